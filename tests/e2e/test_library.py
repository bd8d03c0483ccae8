"""The dashboard's video library with a real render: a small video job made through the
API appears on the dashboard, its progress climbs to 100 % over the event stream, and the
finished video plays (its length matches the job's), downloads, renders again and is
deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import MAKER, Server, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Long enough (about 5 s of speech) that the render outlasts a few samples of the event
# stream, which reads the jobs table twice a second.
SCRIPT = (
    "Hello there. This is a short test of the video library. "
    "The card should follow the job while it renders, then play it."
)
RENDER_TIMEOUT_MS = 90_000
# Records every state and progress value the library's cards show, as they change.
WATCH_CARDS = """() => {
  window.__seen = [];
  const record = () => {
    for (const li of document.querySelectorAll("li[data-job-id]")) {
      const bar = li.querySelector("[role=progressbar]");
      const entry = [li.dataset.jobId, li.dataset.state,
                     bar ? Number(bar.getAttribute("aria-valuenow")) : null];
      const last = window.__seen.filter((e) => e[0] === entry[0]).pop();
      if (!last || last[1] !== entry[1] || last[2] !== entry[2]) window.__seen.push(entry);
    }
  };
  new MutationObserver(record).observe(document.body,
    {subtree: true, childList: true, attributes: true});
  record();
}"""


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def submit_small_video(server: Server, token: str) -> str:
    body = {
        "script": SCRIPT,
        "avatar": "template:maya",
        "options": {"size": "256x256", "fps": 15, "preset": "ultrafast"},
    }
    return str(server.api("POST", "/api/v1/generate", token, body)["job_id"])


def video_duration(page: Any) -> float:
    video = page.locator("dialog video")
    expect(video).to_be_visible()
    page.wait_for_function(
        "() => { const v = document.querySelector('dialog video');"
        " return v && v.readyState >= 1 && Number.isFinite(v.duration); }"
    )
    return float(video.evaluate("v => v.duration"))


def test_library_follows_a_render_then_plays_downloads_rerenders_and_deletes(
    page: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    streams: list[str] = []
    page.on("request", lambda r: streams.append(r.url) if "/api/v1/events" in r.url else None)
    sign_in(page, MAKER)
    page.evaluate(WATCH_CARDS)
    token = server.token(MAKER)
    for _ in range(100):  # the event stream is open before the job exists
        if streams:
            break
        page.wait_for_timeout(100)
    job_id = submit_small_video(server, token)

    card = page.locator(f"li[data-job-id='{job_id}']")
    expect(card).to_be_visible()
    if card.get_by_role("progressbar").count():
        page.screenshot(path=str(shots / "dashboard-rendering.png"), full_page=True)
    # The card follows the job live (no reload): through its states to completed.
    expect(card).to_have_attribute("data-state", "completed", timeout=RENDER_TIMEOUT_MS)
    expect(card.get_by_role("progressbar")).to_have_count(0)
    assert streams, "the dashboard never opened the event stream"
    seen = page.evaluate("window.__seen")
    states = [state for jid, state, _ in seen if jid == job_id]
    assert states[-1] == "completed"
    # At least one state before the last arrived live; the stream samples the jobs
    # table twice a second, so a quick render may skip some of the states in between.
    assert len(set(states)) >= 2, states
    # While it ran, the card showed a progress bar (its value as the stream last said).
    assert any(value is not None for jid, state, value in seen if jid == job_id), seen
    job = server.api("GET", f"/api/v1/status/{job_id}", token)
    assert job["progress"] == 100
    # The card shows a still of the video (the job's thumbnail, fetched with the token).
    thumb = card.locator(".dash-thumb img")
    expect(thumb).to_be_visible()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=thumb.element_handle())
    page.screenshot(path=str(shots / "dashboard-library.png"), full_page=True)

    card.get_by_role("button", name="Play", exact=True).click()
    duration = video_duration(page)
    assert abs(duration - job["result"]["duration_s"]) <= 0.3, (duration, job["result"])
    page.screenshot(path=str(shots / "dashboard-player.png"))
    page.keyboard.press("Escape")
    expect(page.locator("dialog video")).to_have_count(0)

    with page.expect_download() as download_info:
        card.get_by_role("button", name="Download").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".mp4"
    head = saved.read_bytes()[:12]
    assert head[4:8] == b"ftyp", head

    card.get_by_role("button", name="Re-render").click()
    cards = page.locator("li[data-job-id]")
    expect(cards).to_have_count(2)
    newest = cards.first
    assert newest.get_attribute("data-job-id") != job_id
    expect(newest).to_have_attribute("data-state", "completed", timeout=RENDER_TIMEOUT_MS)

    card.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete video").click()
    expect(card).to_have_count(0)
    after = server.api("GET", f"/api/v1/status/{job_id}", token)
    assert after["video_url"] is None
