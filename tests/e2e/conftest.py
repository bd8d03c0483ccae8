"""End-to-end fixtures: a real ``persona serve`` and the system's Chromium driven by
Playwright.

One server per test session, in development settings, with its own data directory (SQLite
and local storage under pytest's temporary folder), one embedded worker and the built web
studio. Its accounts come from the ``persona users create`` command, as an operator would
make them (``harness.ACCOUNTS``). Each test gets a fresh browser context (its own
localStorage, no service worker unless it asks for one) and screenshots land in
``/tmp/studio-shots``.

Every e2e test is skipped, with the reason, when the studio is not built (``make web``) or
Chromium is not at ``/usr/bin/chromium`` (``scripts/bootstrap.sh`` installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import (
    ACCOUNTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SHOTS,
    STUDIO_DIST,
    Account,
    Server,
    skip_reason,
)

START_TIMEOUT_S = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _persona() -> list[str]:
    script = Path(sys.executable).with_name("persona")
    return [str(script)] if script.exists() else [sys.executable, "-m", "persona.cli"]


def _create_user(env: dict[str, str], account: Account) -> None:
    command = [*_persona(), "users", "create", account.email, "--password-stdin"]
    if account.admin:
        command.append("--admin")
    done = subprocess.run(
        command, input=f"{account.password}\n", env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"persona users create failed: {done.stderr or done.stdout}")


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"persona serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"persona serve did not become healthy in {START_TIMEOUT_S:.0f} s")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    data_dir = tmp_path_factory.mktemp("e2e-data")
    env = {
        **os.environ,
        "PERSONA_DATA_DIR": str(data_dir),
        "PERSONA_ENVIRONMENT": "development",
        "PERSONA_RATE_LIMIT_PER_MINUTE": "100000",
        # Flagged scripts wait for a reviewer instead of being refused.
        "PERSONA_MODERATION": "review",
        "PERSONA_STUDIO_DIST": str(STUDIO_DIST),
    }
    for account in ACCOUNTS:
        _create_user(env, account)
    port = _free_port()
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_persona(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        yield Server(url=url, data_dir=data_dir, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def browser(server: Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser: Any, server: Server) -> Iterator[Any]:
    """A fresh browser profile (desktop size, service worker blocked) on the server."""
    ctx = browser.new_context(
        base_url=server.url, viewport={"width": 1280, "height": 800}, service_workers="block"
    )
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS
