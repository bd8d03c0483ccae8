"""An SSML script with voices, emotions and prosody, rendered to video; the voice flags."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from persona.cli import main
from persona.media import probe
from persona.pipeline import RenderResult, render_video
from persona.types import SILENCE, RenderOptions, VideoSpec
from persona.voice.pitch import median_f0

SSML = """<speak xml:lang="en-US">
  <emotion name="happy">Hello <emphasis>everyone</emphasis>!</emotion>
  <break time="500ms"/>
  <voice name="child_girl_1">I am <say-as interpret-as="cardinal">7</say-as>.</voice>
  <prosody rate="slow" pitch="-3st" volume="-4dB">The end.</prosody>
</speak>"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, portrait_path: Path) -> RenderResult:
    out = tmp_path_factory.mktemp("ssml") / "ssml.mp4"
    options = RenderOptions(video=VideoSpec(256, 256, 25), pitch=1.0, volume=2.0, emotion="calm")
    return render_video(SSML, portrait_path, out, options)


@pytest.mark.slow
def test_ssml_renders_to_a_video_with_aligned_speech(rendered: RenderResult) -> None:
    info = probe(rendered.path)
    assert (info.width, info.height) == (256, 256)
    assert info.n_frames == rendered.n_frames
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / 25)
    speech = rendered.speech
    assert speech.phones[0].start_ms == 0 and speech.phones[-1].end_ms == speech.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(speech.phones))
    words = [w.text for w in speech.words]
    assert words == ["Hello", "everyone", "I", "am", "seven", "The", "end"]
    pause = [p for p in speech.phones if p.symbol == SILENCE and p.duration_ms >= 450]
    assert pause, "the 500 ms break is missing"
    assert np.max(np.abs(speech.audio)) < 1.0


@pytest.mark.slow
def test_the_child_voice_speaks_its_own_segment(rendered: RenderResult) -> None:
    speech = rendered.speech
    rate = speech.sample_rate
    words = {w.text: w for w in speech.words}
    child = speech.audio[words["I"].start_ms * rate // 1000 : words["seven"].end_ms * rate // 1000]
    joe = speech.audio[words["The"].start_ms * rate // 1000 : words["end"].end_ms * rate // 1000]
    assert median_f0(child, rate) > 1.8 * median_f0(joe, rate)


def _render_argv(tmp_path: Path, portrait: Path, *extra: str) -> list[str]:
    out = tmp_path / "x.mp4"
    return ["render", "Hi.", "--avatar", str(portrait), "-o", str(out), "--lang", "en", *extra]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--pitch", "13"], "--pitch must be between -12 and 12"),
        (["--pitch", "nan"], "--pitch must be between -12 and 12"),
        (["--volume", "20"], "--volume must be between -40 and 12"),
        (["--emotion", "bored"], "--emotion must be one of neutral, happy"),
    ],
)
def test_bad_voice_flags_fail_in_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    portrait_path: Path,
    flags: list[str],
    message: str,
) -> None:
    assert main(_render_argv(tmp_path, portrait_path, *flags)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("error: ") and message in err[-1], err


def test_bad_ssml_fails_with_its_position(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, portrait_path: Path
) -> None:
    argv = _render_argv(tmp_path, portrait_path)
    argv[1] = '<speak>\nHi <prosody pitch="+30st">there</prosody></speak>'
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        'error: SSML error at line 2, column 4: pitch "+30st" on <prosody> is out of range '
        "(-12 to 12)"
    )
    assert not (tmp_path / "x.mp4").exists()
