"""The whole engine on a few seconds of speech: script → MP4/WebM, read back and checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.avatar import topology as tp
from persona.avatar.photo import PhotoAvatar
from persona.media import probe, read_video_frames
from persona.pipeline import RenderResult, render_video
from persona.types import SILENCE, RenderOptions, VideoSpec

pytestmark = pytest.mark.slow

TEXT = "Bob bought a map. Papa ate a pie."


@pytest.fixture(scope="module")
def mp4(tmp_path_factory: pytest.TempPathFactory, portrait_path: Path) -> RenderResult:
    out = tmp_path_factory.mktemp("render") / "clip.mp4"
    spec = VideoSpec(width=320, height=256, fps=25)
    return render_video(TEXT, portrait_path, out, RenderOptions(video=spec))


def test_streams_size_and_rate(mp4: RenderResult) -> None:
    info = probe(mp4.path)
    assert (info.width, info.height) == (320, 256)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.pixel_format == "yuv420p"
    assert info.fps == pytest.approx(25.0)
    assert info.n_frames == mp4.n_frames
    assert 2.0 < mp4.n_frames / 25 < 6.0


def test_audio_and_video_lengths_match(mp4: RenderResult) -> None:
    info = probe(mp4.path)
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / 25)


def test_mouth_track_follows_the_phones(mp4: RenderResult) -> None:
    jaw = mp4.mouth.channel("jaw")
    fps = mp4.mouth.fps
    bilabials = [p for p in mp4.speech.phones if p.symbol in ("p", "b", "m")]
    assert len(bilabials) >= 6
    for p in bilabials:
        frames = range(int((p.start_ms - 30) * fps / 1000), int(np.ceil(p.end_ms * fps / 1000)) + 1)
        assert min(jaw[k] for k in frames if 0 <= k < len(jaw)) == 0.0, p
    open_vowels = [p for p in mp4.speech.phones if p.symbol[0] in "ɑaæʌ" and p.duration_ms >= 60]
    assert open_vowels
    peaks = [jaw[int((p.start_ms + p.end_ms) / 2 * fps / 1000)] for p in open_vowels]
    assert np.mean(peaks) > 0.35
    silent = [p for p in mp4.speech.phones if p.symbol == SILENCE and p.duration_ms > 300]
    for p in silent:
        assert jaw[int((p.start_ms + p.end_ms) / 2 * fps / 1000)] < 0.05


def test_video_shows_the_mouth_track(mp4: RenderResult, portrait_path: Path) -> None:
    """The decoded video's dark mouth area rises and falls with the jaw channel."""
    avatar = PhotoAvatar.from_path(portrait_path, 320, 256)
    inner = avatar.framed.points[list(tp.INNER_LIP_RING)]
    c = inner.mean(axis=0)
    mw = avatar.rig.frame.mouth_width
    x0, x1 = int(c[0] - 0.35 * mw), int(c[0] + 0.35 * mw)
    y0, y1 = int(c[1] - 0.1 * mw), int(c[1] + 0.5 * mw)
    dark = [float((f[y0:y1, x0:x1].mean(axis=2) < 70).mean()) for f in read_video_frames(mp4.path)]
    jaw = mp4.mouth.channel("jaw")
    assert np.corrcoef(dark, jaw)[0, 1] > 0.6


def test_webm_in_hindi(tmp_path: Path, portrait_path: Path) -> None:
    out = tmp_path / "namaste.webm"
    spec = VideoSpec(width=256, height=256, fps=25, container="webm")
    result = render_video(
        "नमस्ते, आप कैसे हैं?", portrait_path, out, RenderOptions(video=spec, lang="hi")
    )
    info = probe(out)
    assert info.video_codec == "vp9" and info.audio_codec == "opus"
    assert info.n_frames == result.n_frames
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / 25)
    assert result.mouth.channel("jaw").max() > 0.3
