"""A short clip in every language: detected, spoken, lip-synced and encoded.

Each clip is one sentence (1-3 s) rendered at 256x256 with the language left to
detection, so the whole chain runs: script → language → voice → phones → mouth → MP4.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from persona.avatar.photo import PhotoAvatar
from persona.cli import main
from persona.errors import UnknownVoiceError
from persona.lipsync.ipa import unmapped
from persona.lipsync.visemes import PAUSE, REST
from persona.media import probe
from persona.pipeline import render_video
from persona.types import RenderOptions, VideoSpec
from tests.languages import SENTENCES

pytestmark = pytest.mark.slow

SPEC = VideoSpec(width=256, height=256, fps=25, preset="ultrafast")


@pytest.fixture(scope="module")
def avatar(portrait_path: Path) -> PhotoAvatar:
    return PhotoAvatar.from_path(portrait_path, SPEC.width, SPEC.height)


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_clip_in_every_language(code: str, avatar: PhotoAvatar, tmp_path: Path) -> None:
    options = RenderOptions(video=SPEC, lang="auto")
    result = render_video(SENTENCES[code], avatar, tmp_path / f"{code}.mp4", options)
    speech = result.speech
    assert result.lang == code

    # the audio is speech, not silence, and about as long as one sentence
    rms = float(np.sqrt(np.mean(speech.audio.astype(np.float64) ** 2)))
    assert rms > 0.01, rms
    assert 1.0 < speech.duration_ms / 1000 < 4.0, speech.duration_ms

    # the phones tile the audio, and every one of them has a viseme
    phones = speech.phones
    assert phones[0].start_ms == 0 and phones[-1].end_ms == speech.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(phones))
    assert not {p.symbol: unmapped(p.symbol) for p in phones if unmapped(p.symbol)}

    # the mouth moves: most frames show a speech shape and the jaw opens and closes
    mouth = result.mouth
    speaking = [v not in (REST, PAUSE) for v in mouth.visemes]
    assert np.mean(speaking) > 0.5, np.mean(speaking)
    jaw = mouth.channel("jaw")
    assert jaw.std() > 0.08 and jaw.max() > 0.3, (jaw.std(), jaw.max())

    # the file holds the whole clip
    info = probe(result.path)
    assert info.n_frames == mouth.n_frames
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / SPEC.fps)


def test_named_voice_sets_the_language_unless_one_is_given(
    avatar: PhotoAvatar, tmp_path: Path
) -> None:
    options = RenderOptions(video=SPEC, voice="espeak-es", lang=None)
    result = render_video("Hola.", avatar, tmp_path / "es.mp4", options)  # too short to detect
    assert result.lang == "es"
    with pytest.raises(UnknownVoiceError, match="speaks es, not en"):
        render_video("Hola.", avatar, tmp_path / "x.mp4", replace(options, lang="en"))


def test_japanese_kanji_warn(avatar: PhotoAvatar, tmp_path: Path) -> None:
    warnings: list[str] = []
    options = RenderOptions(video=SPEC, lang="auto")
    result = render_video("日本へ", avatar, tmp_path / "ja.mp4", options, warn=warnings.append)
    assert result.lang == "ja"
    assert len(warnings) == 1 and "kana" in warnings[0]


def test_cli_detects_the_language_by_default(
    tmp_path: Path, portrait_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hi.mp4"
    argv = ["render", SENTENCES["hi"], "--avatar", str(portrait_path), "-o", str(out)]
    assert main([*argv, "--size", "256x256", "--json"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    assert events[-1]["event"] == "done" and events[-1]["lang"] == "hi"
    assert main([*argv, "--size", "256x256", "-q", "--voice", "espeak-hi"]) == 0
    assert main([*argv, "--size", "256x256", "-q", "--voice", "espeak-hi", "--lang", "en"]) == 2
    assert "speaks hi, not en" in capsys.readouterr().err
