"""Soft subtitle tracks muxed into MP4, MKV and WebM files, read back with PyAV."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from persona.compose.caption_style import CaptionStyle
from persona.compose.captions import CaptionWord, Cue, retext_cue, segment_captions
from persona.errors import InputError, OutputPathError
from persona.media import VideoWriter, probe
from persona.media.subtitles import (
    SubtitleTrack,
    language_code,
    mux_subtitles,
    read_subtitle_tracks,
)
from persona.types import Frame, VideoSpec

SECONDS = 2


def make_video(path: Path, container: str) -> Path:
    spec = VideoSpec(256, 256, 25, container=container, preset="ultrafast")
    audio = (0.1 * np.sin(np.arange(48000 * SECONDS) / 10)).astype(np.float32)
    with VideoWriter(path, spec, audio, 48000, total_frames=25 * SECONDS) as writer:
        for k in range(25 * SECONDS):
            writer.write(Frame(np.full((256, 256, 3), 40 + 3 * k, np.uint8)))
    return path


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("videos")
    return {
        "mp4": make_video(folder / "in.mp4", "mp4"),
        "webm": make_video(folder / "in.webm", "webm"),
    }


@pytest.fixture(scope="module")
def english() -> tuple[Cue, ...]:
    words = [
        CaptionWord(w, 100 + 250 * k + 900 * (k > 1), 330 + 250 * k + 900 * (k > 1), "Ann")
        for k, w in enumerate(["Hello", "there.", "<How>", "&", "are", "you?"])
    ]  # a pause after "there."
    cues = segment_captions(words)
    assert len(cues) == 2
    return cues


def spanish(cues: tuple[Cue, ...]) -> tuple[Cue, ...]:
    return tuple(retext_cue(c, t) for c, t in zip(cues, ["Hola.", "¿Cómo estás?"], strict=True))


def video_start_ms(path: Path) -> int:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        packet = next(p for p in container.demux(stream) if p.pts is not None)
        return round(float(packet.pts * stream.time_base) * 1000)


def check(path: Path, codec: str, english: tuple[Cue, ...]) -> None:
    tracks = read_subtitle_tracks(path)
    assert [t.codec for t in tracks] == [codec, codec]
    assert [t.language for t in tracks] == ["eng", "spa"]
    assert [t.title for t in tracks] == ["English", "Spanish"]
    offset = video_start_ms(path)  # Matroska shifts every stream alike
    times = [(s - offset, e - offset) for s, e, _ in tracks[0].cues]
    assert times == [(c.start_ms, c.end_ms) for c in english]
    assert [(s, e) for s, e, _ in tracks[1].cues] == [(s, e) for s, e, _ in tracks[0].cues]
    info = probe(path)
    assert info.n_frames == 25 * SECONDS and info.audio_codec is not None


def test_mp4_gets_mov_text_tracks(videos: dict[str, Path], tmp_path: Path, english) -> None:
    out = mux_subtitles(
        videos["mp4"], tmp_path / "out.mp4", [SubtitleTrack(english), SubtitleTrack(
            spanish(english), "es")]
    )  # fmt: skip
    check(out, "mov_text", english)
    texts = [text for _, _, text in read_subtitle_tracks(out)[0].cues]
    assert texts == ["Hello there.", "<How> & are you?"]
    assert [t for _, _, t in read_subtitle_tracks(out)[1].cues] == ["Hola.", "¿Cómo estás?"]


def test_mkv_gets_srt_or_ass_tracks(videos: dict[str, Path], tmp_path: Path, english) -> None:
    tracks = [SubtitleTrack(english, "en"), SubtitleTrack(spanish(english), "spa")]
    srt = mux_subtitles(videos["mp4"], tmp_path / "out.mkv", tracks)
    check(srt, "srt", english)
    assert read_subtitle_tracks(srt)[0].cues[1][2] == "<How> & are you?"
    ass = mux_subtitles(
        videos["mp4"], tmp_path / "ass.mkv", tracks, codec="ass", style=CaptionStyle(size=0.08)
    )
    check(ass, "ssa", english)
    event = read_subtitle_tracks(ass)[0].cues[0][2]
    assert event == "0,0,Default,Ann,0,0,0,,Hello there."
    with av.open(str(ass)) as container:
        header = container.streams.subtitles[0].codec_context.extradata or b""
    assert b"PlayResY: 256" in header and b"Style: Default,DejaVu Sans,20," in header


def test_webm_gets_webvtt_tracks(videos: dict[str, Path], tmp_path: Path, english) -> None:
    out = mux_subtitles(
        videos["webm"], tmp_path / "out.webm", [SubtitleTrack(english, "en-US"), SubtitleTrack(
            spanish(english), "es")]
    )  # fmt: skip
    check(out, "webvtt", english)
    first, second = (t for _, _, t in read_subtitle_tracks(out)[0].cues)
    assert first == "<v Ann>Hello there.</v>"
    assert second == "<v Ann>&lt;How&gt; &amp; are you?</v>"


def test_mux_in_place_keeps_earlier_tracks(videos: dict[str, Path], tmp_path: Path, english):
    path = tmp_path / "talk.mp4"
    path.write_bytes(videos["mp4"].read_bytes())
    mux_subtitles(path, path, [SubtitleTrack(english)])
    mux_subtitles(path, path, [SubtitleTrack(spanish(english), "es")])
    assert [t.language for t in read_subtitle_tracks(path)] == ["eng", "spa"]
    with av.open(str(path)) as container:
        defaults = [
            bool(s.disposition & av.stream.Disposition.default) for s in container.streams.subtitles
        ]
    assert defaults == [True, False]
    assert [p.name for p in tmp_path.iterdir()] == ["talk.mp4"]  # no temporary file left


def test_bad_requests(videos: dict[str, Path], tmp_path: Path, english) -> None:
    track = [SubtitleTrack(english)]
    with pytest.raises(InputError, match="cannot hold"):
        mux_subtitles(videos["mp4"], tmp_path / "x.webm", track)  # H.264 in WebM
    with pytest.raises(InputError, match=r"use an \.mp4, \.mkv or \.webm"):
        mux_subtitles(videos["mp4"], tmp_path / "x.avi", track)
    with pytest.raises(InputError, match="srt or ass"):
        mux_subtitles(videos["mp4"], tmp_path / "x.mkv", track, codec="dvd")
    with pytest.raises(InputError, match="file not found"):
        mux_subtitles(tmp_path / "none.mp4", tmp_path / "x.mp4", track)
    with pytest.raises(InputError, match="unknown language"):
        mux_subtitles(videos["mp4"], tmp_path / "x.mp4", [SubtitleTrack(english, "english")])
    with pytest.raises(OutputPathError):
        mux_subtitles(videos["mp4"], tmp_path / "no" / "x.mp4", track)
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("not a video")
    with pytest.raises(InputError, match="cannot read video"):
        mux_subtitles(not_video, tmp_path / "x.mp4", track)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.mp4"]


def test_language_codes() -> None:
    assert language_code("en") == ("eng", "English")
    assert language_code("pt_BR") == ("por", "Portuguese")
    assert language_code("hin") == ("hin", "Hindi")
    assert language_code("tlh") == ("tlh", "tlh")
