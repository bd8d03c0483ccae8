"""Renders with captions and a soundtrack: burned-in captions, caption files, a subtitle
track, and speech mixed with music to a loudness target."""

from __future__ import annotations

import argparse
from pathlib import Path

import av
import numpy as np
import pyloudnorm
import pysrt
import pytest

from persona.audio.mix import MixOptions
from persona.cli import main
from persona.compose.caption_commands import add_caption_arguments, caption_request
from persona.errors import InputError
from persona.media import read_audio
from persona.pipeline import Finishing, RenderResult, render_video
from persona.types import RenderOptions, VideoSpec
from persona.watermark.options import Marks

pytestmark = pytest.mark.slow

SPEC = VideoSpec(width=320, height=256, fps=25, preset="ultrafast")
TEXT = "Good morning, everyone. [pause] Today we look at the quarterly numbers!"
AVATAR = "template:maya"


def _captions(*kinds: str) -> Finishing:
    parser = argparse.ArgumentParser()
    add_caption_arguments(parser)
    args = parser.parse_args([f"--captions={k}" for k in kinds])
    return Finishing(captions=caption_request(args, (SPEC.width, SPEC.height), SPEC.fps))


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    out = tmp_path_factory.mktemp("finished") / "talk.mp4"
    finishing = _captions("burn", "srt", "track")
    finishing = Finishing(
        captions=finishing.captions,
        mix=MixOptions(music="ambient", music_volume_db=-12, loudness_lufs=-16.0),
    )
    options = RenderOptions(video=SPEC, voice="espeak-en")
    return render_video(TEXT, AVATAR, out, options, finishing=finishing)


def test_caption_file_beside_the_video_holds_the_authors_text(finished: RenderResult) -> None:
    srt = finished.path.with_suffix(".srt")
    assert finished.files == (srt,)
    subs = pysrt.open(str(srt))
    text = " ".join(s.text.replace("\n", " ") for s in subs)
    assert text == "Good morning, everyone. Today we look at the quarterly numbers!"
    assert subs[0].start.ordinal < 500
    assert subs[-1].end.ordinal <= finished.duration_ms + 40


def test_subtitle_track_is_in_the_container(finished: RenderResult) -> None:
    with av.open(str(finished.path)) as container:
        subtitles = [s for s in container.streams if s.type == "subtitle"]
    assert len(subtitles) == 1
    assert subtitles[0].codec_context.name == "mov_text"


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="gray") for f in container.decode(video=0)]


def test_captions_are_burned_into_the_lower_frame(finished: RenderResult, tmp_path: Path) -> None:
    plain = tmp_path / "plain.mp4"
    options = RenderOptions(video=SPEC, voice="espeak-en")
    same_watermark = Finishing(marks=Marks(video_id=finished.video_id))
    render_video(TEXT, AVATAR, plain, options, finishing=same_watermark)
    burned, clean = _frames(finished.path), _frames(plain)
    cue = finished.cues[0]
    k = (cue.start_ms + cue.end_ms) // 2 * SPEC.fps // 1000
    diff = np.abs(burned[k].astype(int) - clean[k].astype(int))
    h, w = SPEC.height, SPEC.width
    # The AI label moves to a top corner when captions take the bottom: compare the
    # upper third's middle, clear of both corners.
    assert diff[h * 2 // 3 :].mean() > 8 * max(diff[: h // 3, w // 4 : w * 3 // 4].mean(), 0.1)


def test_soundtrack_meets_its_loudness_target_with_music_in_the_pause(
    finished: RenderResult,
) -> None:
    audio, rate = read_audio(finished.path)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    assert abs(loudness - -16.0) < 1.0  # ±0.5 LU before AAC; the codec moves it a little
    # Where the speech pauses, the music still plays.
    silences = [p for p in finished.speech.phones if p.symbol == "_" and p.duration_ms > 300]
    assert silences
    gap = silences[0]
    stretch = audio[gap.start_ms * rate // 1000 + rate // 20 : gap.end_ms * rate // 1000]
    assert np.sqrt(np.mean(stretch**2)) > 1e-3
    raw = finished.speech.audio[
        gap.start_ms * finished.speech.sample_rate // 1000 : gap.end_ms
        * finished.speech.sample_rate
        // 1000
    ]
    assert np.sqrt(np.mean(raw**2)) < 1e-3


def _render_cli(out: Path, *options: str) -> int:
    """``persona render`` of a short eSpeak NG line, small and fast, with ``options``."""
    small = ["--voice", "espeak-en", "--size", "320x256", "--preset", "ultrafast", "-q"]
    text = "Hello there. This is a test."
    return main(["render", text, "--avatar", AVATAR, *small, "-o", str(out), *options])


def test_cli_render_writes_captions_and_mixes(tmp_path: Path) -> None:
    out = tmp_path / "cli.mp4"
    code = _render_cli(out, "--captions", "vtt", "--loudness", "-16")
    assert code == 0
    assert out.with_suffix(".vtt").read_text(encoding="utf-8").startswith("WEBVTT")


def test_bad_caption_style_fails_before_any_work(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_caption_arguments(parser)
    args = parser.parse_args(["--captions", "burn", "--caption-style", "size=banana"])
    with pytest.raises(InputError):
        caption_request(args, (320, 256), 25)


def test_unknown_music_style_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "x.mp4"
    code = main(
        ["render", "Hi.", "--avatar", AVATAR, "-o", str(out), "--music", "polka-dubstep", "-q"]
    )
    assert code == 2
    assert "polka-dubstep" in capsys.readouterr().err
    assert not out.exists()


def test_scene_captions_name_each_speaker_and_music_is_mixed(tmp_path: Path) -> None:
    (tmp_path / "scene.yaml").write_text(
        "layout: split\nsize: 512x288\n"
        "speakers:\n"
        "  alex: {avatar: 'template:maya', voice: espeak-en, name: Alex, title: Host}\n"
        "  sam: {avatar: 'template:kwame', voice: espeak-en, name: Sam, title: Guest}\n",
        encoding="utf-8",
    )
    (tmp_path / "talk.txt").write_text(
        "Alex: Welcome to the show, Sam.\nSam: Thanks, it's 5 o'clock already!\n",
        encoding="utf-8",
    )
    out = tmp_path / "talk.mp4"
    args = ["scene", str(tmp_path / "talk.txt"), "--scene", str(tmp_path / "scene.yaml")]
    options = ["--captions", "srt", "--captions", "track", "--speaker-labels"]
    code = main([*args, "-o", str(out), *options, "--music", "ambient", "--preset", "ultrafast"])
    assert code == 0
    subs = pysrt.open(str(out.with_suffix(".srt")))
    text = " ".join(s.text.replace("\n", " ") for s in subs)
    assert text == "ALEX: Welcome to the show, Sam. SAM: Thanks, it's 5 o'clock already!"
    with av.open(str(out)) as container:
        assert [s.type for s in container.streams].count("subtitle") == 1
    audio, rate = read_audio(out)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64))
    assert abs(loudness - -14.0) < 1.0


def test_translated_caption_files_become_more_language_tracks(tmp_path: Path) -> None:
    hindi = tmp_path / "talk.hi.srt"
    hindi.write_text(
        "1\n00:00:00,100 --> 00:00:01,500\nनमस्ते।\n\n2\n00:00:01,600 --> 00:00:02,900\n"
        "यह एक परीक्षण है।\n",
        encoding="utf-8",
    )
    spanish = tmp_path / "talk.es.vtt"
    spanish.write_text(
        "WEBVTT\n\nNOTE a translation\n\n00:00.100 --> 00:01.500 line:90%\nHola.\n\n"
        "00:01.600 --> 00:02.900\n<v Ana>Esto es una prueba.\n",
        encoding="utf-8",
    )
    out = tmp_path / "multi.mp4"
    code = _render_cli(out, "--caption-track", f"hi={hindi}", "--caption-track", f"es={spanish}")
    assert code == 0
    from persona.media.subtitles import read_subtitle_tracks

    tracks = read_subtitle_tracks(out)
    assert [t.language for t in tracks] == ["eng", "hin", "spa"]
    assert "यह एक परीक्षण है।" in [text for _, _, text in tracks[1].cues]
    assert "Esto es una prueba." in [text for _, _, text in tracks[2].cues]


@pytest.mark.parametrize(
    ("item", "message"),
    [("hi", "LANG=FILE"), ("hi=missing.srt", "cannot read"), ("xx-bogus=a.srt", "language")],
)
def test_bad_caption_tracks_are_refused(item: str, message: str, tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_caption_arguments(parser)
    args = parser.parse_args(["--caption-track", item])
    with pytest.raises(InputError, match=message):
        caption_request(args, (320, 256), 25)
