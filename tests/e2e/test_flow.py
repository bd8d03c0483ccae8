"""The studio's main path, all through the browser: design an avatar from a template, write
a script, pick a voice, generate the video in the studio, watch its progress reach 100 %,
play it (the player's length matches the job's) and download it; then find it on the
dashboard and play it there too."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import CREATOR, WATCH_PROGRESS, Server, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# About 6 s of speech: the render outlasts a few samples of the job's progress.
SCRIPT = (
    "Hi, I am your new host. Today we make a video in the browser. "
    "It renders while you watch. Thanks for watching!"
)
AVATAR_NAME = "Flow host"
RENDER_TIMEOUT_MS = 120_000


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def duration_of(video: Any) -> float:
    expect(video).to_be_visible()
    video.evaluate(
        "v => new Promise((ok) => v.readyState >= 1 ? ok() :"
        " v.addEventListener('loadedmetadata', () => ok(), {once: true}))"
    )
    return float(video.evaluate("v => v.duration"))


def test_avatar_script_voice_generate_play_download(
    page: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    sign_in(page, CREATOR)

    # 1. An avatar from a template.
    page.goto("/#/avatar")
    save = page.get_by_role("button", name="Save avatar")
    expect(save).to_be_enabled(timeout=30_000)
    page.get_by_label("Avatar name").fill(AVATAR_NAME)
    expect(page.get_by_role("img", name=re.compile("Preview of the avatar"))).to_be_visible(
        timeout=30_000
    )
    page.screenshot(path=str(shots / "flow-1-avatar.png"), full_page=True)
    save.click()
    expect(page.get_by_text(f"Saved “{AVATAR_NAME}”")).to_be_visible(timeout=30_000)

    # 2. A script and a voice, in the script editor.
    page.goto("/#/script")
    page.locator("#ed-script-text").fill(SCRIPT)
    voice_select = page.get_by_label("Voice", exact=True)
    expect(voice_select.locator("option", has_text=re.compile(r"\(en"))).not_to_have_count(0)
    voices = voice_select.locator("option").evaluate_all(
        "options => options.map((o) => [o.value, o.textContent])"
    )
    voice = next(value for value, label in voices if value and re.search(r"\(en", label))
    voice_select.select_option(voice)
    expect(page.get_by_test_id("estimate-duration")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(shots / "flow-2-script.png"), full_page=True)
    page.get_by_role("button", name="Use in studio").click()
    page.wait_for_url("**/#/studio?draft=*")

    # 3. The studio: the draft arrives with its voice; add the avatar, generate.
    expect(page.get_by_role("textbox", name="Script")).to_have_value(SCRIPT)
    page.get_by_role("checkbox", name=re.compile(AVATAR_NAME)).check()
    expect(page.get_by_label("Voice", exact=True)).to_have_value(voice)
    page.get_by_label("Size preset").select_option("draft")
    page.get_by_label("Encoder speed").select_option("ultrafast")
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Generate video").click()
    panel = page.locator(".ed-job")
    expect(panel).to_be_visible()
    page.screenshot(path=str(shots / "flow-3-rendering.png"), full_page=True)
    expect(panel).to_have_attribute("data-state", "completed", timeout=RENDER_TIMEOUT_MS)
    progress = page.evaluate("window.__progress")
    # The bar showed while the job ran and only moved forwards (how many values it showed
    # depends on how quickly the job ran: the events sample the job twice a second); at
    # the end the panel says done and the job is at 100.
    assert progress and progress == sorted(progress), progress
    expect(panel.get_by_role("status")).to_contain_text("Done")
    job_id = re.search(r"job (\S+)", panel.inner_text()).group(1)  # type: ignore[union-attr]
    job = server.api("GET", f"/api/v1/status/{job_id}", server.token(CREATOR))
    assert job["state"] == "completed" and job["progress"] == 100

    # 4. Play and download right there.
    player = page.get_by_label("The finished video")
    duration = duration_of(player)
    assert abs(duration - job["result"]["duration_s"]) <= 0.3, (duration, job["result"])
    page.screenshot(path=str(shots / "flow-4-done.png"), full_page=True)
    files = page.get_by_test_id("export-files")
    with page.expect_download() as download_info:
        files.get_by_role("button", name=re.compile("video|mp4")).first.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.stat().st_size > 1000
    assert saved.read_bytes()[4:8] == b"ftyp"

    # 5. The dashboard lists it; it plays there as well.
    page.goto("/#/dashboard")
    card = page.locator(f"li[data-job-id='{job_id}']")
    expect(card).to_have_attribute("data-state", "completed")
    card.get_by_role("button", name="Play", exact=True).click()
    assert abs(duration_of(page.locator("dialog video")) - job["result"]["duration_s"]) <= 0.3
    page.screenshot(path=str(shots / "flow-5-dashboard-player.png"))
