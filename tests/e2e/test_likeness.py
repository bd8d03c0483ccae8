"""A person's own likeness through the browser, with their consent: a talking clip of them
trains a video avatar (the page follows the training job to done and the studio then
offers the avatar), and a recording of their voice makes a matched voice (refused until
the consent is confirmed; then it is in the catalog and its sample plays)."""

from __future__ import annotations

import io
import re
import urllib.request
import wave
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import SITTER, WATCH_PROGRESS, Server, sign_in

pytestmark = pytest.mark.e2e

AVATAR_NAME = "Sitter on camera"
VOICE_NAME = "Sitter speaking"
TRAINING_TIMEOUT_MS = 240_000
# Keeps every media element the page plays, also those never put in the document.
KEEP_PLAYED = """
window.__played = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__played.push(this);
  return play.call(this);
};
"""


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def fill_consent(page: Any, subject: str) -> None:
    page.get_by_label("Subject's full name").fill(subject)
    page.get_by_label("Consent statement").fill(f"I, {subject}, agree to this use of my likeness.")
    page.get_by_label("Purpose").fill("studio tests")


def voice_sample(folder: Path) -> Path:
    """About 11 s of synthetic speech: just over the 10 s a voice match needs."""
    from persona.media.audio import write_wav
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    text = "The quick brown fox jumps over the lazy dog. " * 4
    speech = synthesize_script(parse_script(text), get_voice("espeak-en", None))
    assert len(speech.audio) / speech.sample_rate > 10
    path = folder / "sitter.wav"
    write_wav(path, speech.audio, speech.sample_rate)
    return path


def wav_seconds(server: Server, path: str) -> float:
    request = urllib.request.Request(f"{server.url}{path}")
    request.add_header("Authorization", f"Bearer {server.token(SITTER)}")
    with urllib.request.urlopen(request, timeout=60) as response:
        data = response.read()
    with wave.open(io.BytesIO(data)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_voice_matched_from_a_recording_with_consent(
    page: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    sample = voice_sample(tmp_path)
    page.add_init_script(KEEP_PLAYED)
    sign_in(page, SITTER)
    page.goto("/#/voices")
    page.get_by_label("Recording").set_input_files(str(sample))
    page.get_by_label("Voice name").fill(VOICE_NAME)
    fill_consent(page, "Sam Sitter")
    match = page.get_by_role("button", name="Match voice")

    # Everything but the confirmation: refused in the page, nothing sent.
    match.click()
    expect(page.get_by_role("alert")).to_have_text("Consent needs your confirmation.")
    voices = server.api("GET", "/api/v1/voices", server.token(SITTER))["voices"]
    assert not [v for v in voices if v["matched"]]
    page.screenshot(path=str(shots / "voices-match-no-consent.png"))

    page.get_by_label("I am this person or have their written consent").check()
    match.click()
    made = page.get_by_text(f"Made “{VOICE_NAME}”")
    expect(made).to_be_visible(timeout=60_000)
    voice_id = re.search(r"\(([^)]+)\)", made.inner_text()).group(1)  # type: ignore[union-attr]

    card = page.get_by_role("list", name="Voices").locator(f"li[data-voice='{voice_id}']")
    expect(card).to_contain_text(VOICE_NAME)
    expect(card).to_contain_text("Yours")
    card.get_by_role("button", name=f"Play sample of {VOICE_NAME}").click()
    page.wait_for_function(
        "() => window.__played.some((a) => a.duration > 0 && isFinite(a.duration))",
        timeout=60_000,
    )
    played = page.evaluate("window.__played.map((a) => a.duration)")[-1]
    page.get_by_label("Only my matched voices").check()
    expect(page.get_by_test_id("voice-count")).to_have_text(re.compile(r"^1 of \d+ voices$"))
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "voices-matched.png"))
    served = wav_seconds(server, f"/api/v1/voices/{voice_id}/preview")
    assert abs(played - served) <= 0.1, (played, served)


@pytest.mark.slow
def test_video_avatar_trained_from_an_uploaded_clip(
    page: Any, server: Server, shots: Path, tmp_path: Path
) -> None:
    from tests.videoclips import make_talking_clip

    clip = make_talking_clip(tmp_path / "sitter.mp4")  # about 18 s; training needs 15
    sign_in(page, SITTER)
    page.goto("/#/avatar")
    page.get_by_role("tab", name="From a video").click()
    page.get_by_label("Training video").set_input_files(str(clip.path))
    page.get_by_label("Avatar name").fill(AVATAR_NAME)
    fill_consent(page, "Sam Sitter")
    page.get_by_label("I am this person or have their written consent").check()
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="Upload and train").click()

    panel = page.locator(".ed-job")
    expect(panel.get_by_role("progressbar")).to_be_visible(timeout=60_000)
    page.screenshot(path=str(shots / "avatar-video-training.png"), full_page=True)
    expect(panel).to_have_attribute("data-state", "completed", timeout=TRAINING_TIMEOUT_MS)
    expect(panel.get_by_role("status")).to_contain_text("Done")
    ready = panel.get_by_text(re.compile(r"Avatar av_\S+ is ready"))
    expect(ready).to_be_visible()
    progress = page.evaluate("window.__progress")
    assert progress and progress == sorted(progress), progress
    page.screenshot(path=str(shots / "avatar-video-trained.png"), full_page=True)
    avatar_id = re.search(r"(av_\S+)", ready.inner_text()).group(1)  # type: ignore[union-attr]

    listing = server.api("GET", "/api/v1/avatars", server.token(SITTER))["avatars"]
    assert [(a["id"], a["kind"], a["name"]) for a in listing if a["kind"] == "video"] == [
        (avatar_id, "video", AVATAR_NAME)
    ]
    ready.get_by_role("link", name="Use it in the studio").click()
    # The link opens the studio with the new avatar picked.
    expect(page.get_by_role("checkbox", name=AVATAR_NAME)).to_be_checked(timeout=30_000)
    page.screenshot(path=str(shots / "avatar-video-in-studio.png"), full_page=True)
