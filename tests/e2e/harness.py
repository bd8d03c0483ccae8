"""What the end-to-end tests share besides fixtures: the accounts, the server handle, the
skip check and the sign-in steps."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
STUDIO_DIST = ROOT / "src" / "persona" / "service" / "studio_dist"
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path("/tmp/studio-shots")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    admin: bool = False


USER = Account("ada@example.com", "correct-horse-battery")
ADMIN = Account("root@example.com", "admin-staple-password", admin=True)
# Renders videos; kept apart so USER's library stays empty for the tests that expect it.
MAKER = Account("maker@example.com", "render-all-the-things")
# Writes scripts the moderation policy holds for review.
WRITER = Account("writer@example.com", "words-words-words")
# Goes through the whole studio: avatar, script, voice, render.
CREATOR = Account("creator@example.com", "make-me-a-video")
# Renders a video on an uploaded background picture.
PAINTER = Account("painter@example.com", "orange-wall-paint")
# Trains an avatar from a video of themself and matches a voice to their recording.
SITTER = Account("sitter@example.com", "my-face-my-voice")
ACCOUNTS = (USER, ADMIN, MAKER, WRITER, CREATOR, PAINTER, SITTER)
# Remembers every progress value a job panel (.ed-job) shows, in window.__progress.
WATCH_PROGRESS = """() => {
  window.__progress = [];
  new MutationObserver(() => {
    const bar = document.querySelector(".ed-job [role=progressbar]");
    const value = bar ? Number(bar.getAttribute("aria-valuenow")) : null;
    if (value !== null && window.__progress.at(-1) !== value) window.__progress.push(value);
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


@dataclass(frozen=True)
class Server:
    url: str
    data_dir: Path
    log: Path

    def api(self, method: str, path: str, token: str, body: Any = None) -> Any:
        """Calls the API directly (for set-up and for checking what the UI did)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                text = response.read()
        except urllib.error.HTTPError as err:
            raise AssertionError(f"{method} {path} → {err.code}: {err.read().decode()}") from err
        return json.loads(text) if text else None

    def token(self, account: Account) -> str:
        form = f"username={account.email}&password={account.password}".encode()
        request = urllib.request.Request(f"{self.url}/api/v1/auth/token", data=form)
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=30) as response:
            return str(json.loads(response.read())["access_token"])


def skip_reason() -> str | None:
    if not (STUDIO_DIST / "index.html").is_file():
        return f"the web studio is not built ({STUDIO_DIST} has no index.html): run `make web`"
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (Debian package chromium; scripts/bootstrap.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


def sign_in(page: Any, account: Account) -> None:
    """Signs in through the form and waits for the dashboard."""
    from playwright.sync_api import expect

    page.goto("/#/dashboard")
    page.get_by_label("Email").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
