"""The studio's finishing touches in the browser: a picture uploaded as the background
ends up behind the avatar, and the dashboard and admin list videos by their titles."""

from __future__ import annotations

import io
import re
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.e2e.harness import ADMIN, PAINTER, Server, sign_in

pytestmark = pytest.mark.e2e

ORANGE = (230, 120, 20)
RENDER_TIMEOUT_MS = 180_000
SCRIPT = "Our orange wall looks lovely in the morning light, says the painter."


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _picture(path: Path) -> Path:
    Image.new("RGB", (320, 180), ORANGE).save(path)
    return path


def _thumbnail(server: Server, token: str, job_id: str) -> np.ndarray:
    request = urllib.request.Request(f"{server.url}/api/v1/jobs/{job_id}/thumbnail")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return np.asarray(Image.open(io.BytesIO(response.read())).convert("RGB"), dtype=np.int16)


@pytest.mark.slow
def test_picture_background_and_titles(
    page: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    sign_in(page, PAINTER)
    page.goto("/#/studio")
    page.get_by_role("checkbox", name=re.compile("Maya")).check()
    page.get_by_role("textbox", name="Script").fill(SCRIPT)
    page.get_by_label("Background", exact=True).select_option("image")
    page.get_by_label("Background picture").set_input_files(str(_picture(tmp_path / "wall.png")))
    expect(page.get_by_text(re.compile(r"Uploaded \(asset_"))).to_be_visible()
    expect(page.get_by_alt_text("The chosen background picture")).to_be_visible()
    page.get_by_label("Size preset").select_option("draft")
    page.get_by_label("Encoder speed").select_option("ultrafast")
    page.screenshot(path=str(shots / "polish-studio-picture.png"), full_page=True)
    page.get_by_role("button", name="Generate video").click()
    panel = page.locator(".ed-job")
    expect(panel).to_have_attribute("data-state", "completed", timeout=RENDER_TIMEOUT_MS)
    job_id = re.search(r"job (\S+)", panel.inner_text()).group(1)  # type: ignore[union-attr]
    still = _thumbnail(server, server.token(PAINTER), job_id)
    corner = still[:6, :6].reshape(-1, 3).mean(axis=0)
    assert np.abs(corner - np.array(ORANGE)).max() < 20, corner

    title = "Our orange wall looks lovely in the morning light, says the…"
    page.goto("/#/dashboard")
    card = page.locator(f"li[data-job-id='{job_id}']")
    expect(card.locator(".dash-video-title strong")).to_have_text(title)
    page.screenshot(path=str(shots / "polish-dashboard-title.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, ADMIN)
    page.goto("/#/admin")
    page.get_by_role("tab", name=re.compile("Jobs")).click()
    expect(page.get_by_role("row", name=re.compile(job_id))).to_contain_text(title)
    page.screenshot(path=str(shots / "polish-admin-title.png"), full_page=True)
