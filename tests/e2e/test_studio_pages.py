"""The creation pages in a real browser against a real server: the avatar creator's live
preview and save, the script editor's estimate and per-sentence markup, the voice
filters, and a photo without a face answered with a failing quality report."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.e2e.harness import ADMIN, Server, sign_in

pytestmark = pytest.mark.e2e


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def noise_png(size: int = 160) -> bytes:
    """Coloured noise: an image with no face in it."""
    pixels = np.random.default_rng(7).integers(0, 256, (size, size, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def saved_draft(page: Any, timeout_s: float = 10.0) -> str:
    """The newest draft's script once the autosave has stored the latest edit."""
    deadline = time.monotonic() + timeout_s
    script = ""
    while time.monotonic() < deadline:
        drafts = json.loads(page.evaluate("localStorage.getItem('persona.drafts') || '[]'"))
        script = drafts[0]["script"] if drafts else ""
        if script.startswith("<speak>"):
            break
        page.wait_for_timeout(200)
    return str(script)


def test_avatar_from_template_with_live_preview(page: Any, server: Server, shots: Path) -> None:
    sign_in(page, ADMIN)
    page.goto("/#/avatar")
    preview = page.get_by_role("img", name=re.compile("Preview of the avatar based on"))
    expect(preview).to_be_visible(timeout=30_000)
    first = preview.get_attribute("src")

    page.locator(".ed-tpl", has_text="Kwame").click()
    expect(page.get_by_label("Kwame")).to_be_checked()
    expect(preview).to_have_attribute("alt", re.compile("based on kwame"))
    page.get_by_label("Hair Style", exact=True).select_option("afro")
    expect(preview).not_to_have_attribute("src", first or "", timeout=30_000)
    page.get_by_label("Avatar name").fill("Kwame with an afro")
    page.get_by_role("button", name="Save avatar").click()
    expect(page.get_by_text("Saved “Kwame with an afro”")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(shots / "studio-pages-avatar.png"), full_page=True)

    listing = server.api("GET", "/api/v1/avatars", server.token(ADMIN))
    assert "Kwame with an afro" in [a["name"] for a in listing["avatars"]]


def test_script_estimate_and_sentence_markup(page: Any, shots: Path) -> None:
    sign_in(page, ADMIN)
    page.goto("/#/script")
    script = page.locator("#ed-script-text")
    script.fill("Welcome to the course! [pause] Today we cover three topics.")
    duration = page.get_by_test_id("estimate-duration")
    expect(duration).to_have_text(re.compile(r"^\d+\.\d s$"), timeout=30_000)
    seconds = float(duration.inner_text().split()[0])
    assert 2.0 < seconds < 10.0

    expect(page.locator(".ed-sentence")).to_have_count(2)
    page.get_by_label("Emotion of sentence 2").select_option("happy")
    value = script.input_value()
    assert value.startswith("<speak>")
    assert '<emotion name="happy">Today we cover three topics.</emotion>' in value
    assert '<break time="500ms"/>' in value
    expect(page.get_by_label("Emotion of sentence 2")).to_have_value("happy")
    assert saved_draft(page) == value
    page.screenshot(path=str(shots / "studio-pages-script.png"), full_page=True)


def test_voice_filters_narrow_the_list(page: Any) -> None:
    sign_in(page, ADMIN)
    page.goto("/#/voices")
    count = page.get_by_test_id("voice-count")
    expect(count).to_have_text(re.compile(r"^(\d+) of \1 voices$"), timeout=30_000)
    total = int(count.inner_text().split()[0])

    page.get_by_label("Gender").select_option("female")
    expect(count).not_to_have_text(f"{total} of {total} voices")
    shown = int(count.inner_text().split()[0])
    assert 0 < shown < total
    cards = page.locator(".ed-voice")
    expect(cards).to_have_count(shown)
    for tags in cards.locator(".ed-voice-tags").all_inner_texts():
        assert "Female" in tags

    page.get_by_label("Search").fill("no voice is called this")
    expect(page.get_by_text("No voice matches")).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    expect(count).to_have_text(f"{total} of {total} voices")


def test_photo_without_a_face_shows_a_failing_report(page: Any, shots: Path) -> None:
    sign_in(page, ADMIN)
    page.goto("/#/avatar")
    page.get_by_role("tab", name="From a photo").click()
    page.get_by_label("Photo", exact=True).set_input_files(
        {"name": "noise.png", "mimeType": "image/png", "buffer": noise_png()}
    )
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("alert")).to_contain_text("Consent needs")

    page.get_by_label("Subject's full name").fill("Ada Example")
    page.get_by_label("Consent statement").fill("I agree to my likeness being used.")
    page.get_by_label("Purpose").fill("End-to-end test")
    page.get_by_label("I am this person or have their written consent").check()
    page.get_by_role("button", name="Check and save").click()

    report = page.get_by_role("region", name="Photo quality report")
    expect(report).to_be_visible(timeout=30_000)
    expect(report.get_by_role("heading")).to_contain_text("Fail")
    face = report.locator(".ed-check", has_text="Face found")
    expect(face).to_contain_text("Fail")
    expect(page.get_by_role("alert")).to_contain_text("no face")
    page.screenshot(path=str(shots / "studio-pages-photo.png"), full_page=True)


def test_script_toolbar_writes_markup(page: Any) -> None:
    sign_in(page, ADMIN)
    page.goto("/#/script")
    page.get_by_role("button", name="New draft").click()
    script = page.locator("#ed-script-text")
    script.fill("One. Two words here.")
    script.evaluate("el => el.setSelectionRange(4, 4)")
    page.get_by_role("button", name="Pause 1 s").click()
    expect(script).to_have_value("One. [pause 1s] Two words here.")

    start = "One. [pause 1s] ".__len__()
    script.evaluate(f"el => el.setSelectionRange({start}, {start + 9})")
    page.get_by_role("button", name="Emphasis").click()
    value = script.input_value()
    assert '<break time="1s"/>' in value
    assert '<emphasis level="strong">Two words</emphasis> here.' in value

    cut = value.index("<emphasis") + 3
    script.evaluate(f"el => el.setSelectionRange({cut}, {cut + 30})")
    page.get_by_role("button", name="Slower").click()
    expect(page.get_by_text("The selection cuts through markup")).to_be_visible()
    expect(script).to_have_value(value)

    page.get_by_role("button", name="Back to plain text").click()
    expect(script).to_have_value("One. [pause 1s] Two words here.")


def test_two_avatars_make_a_conversation_job(page: Any, server: Server) -> None:
    sign_in(page, ADMIN)
    page.goto("/#/studio")
    page.get_by_role("checkbox", name="Mei", exact=True).check()
    expect(page.get_by_label("Captions")).to_be_visible()
    page.get_by_role("checkbox", name="Hiro", exact=True).check()
    expect(page.get_by_label("Captions")).to_have_count(0)
    expect(page.get_by_label("AI label position")).to_be_disabled()
    page.get_by_label("Layout").select_option("closeups")
    page.get_by_role("button", name="Start a dialogue for these speakers").click()
    expect(page.get_by_label("Dialogue")).to_have_value(
        "Mei: Welcome to the show!\nHiro: Thanks for having me."
    )
    page.get_by_label("Size preset").select_option("draft")
    page.get_by_role("button", name="Generate conversation").click()
    state = page.locator(".ed-job-state")
    expect(state).to_contain_text("job job_", timeout=30_000)
    job_id = re.search(r"job_\w+", state.inner_text())
    assert job_id is not None
    token = server.token(ADMIN)
    job = server.api("GET", f"/api/v1/status/{job_id.group(0)}", token)
    assert job["type"] == "podcast_video"
    server.api("DELETE", f"/api/v1/jobs/{job_id.group(0)}", token)
