"""Export presets: the table, the encoder settings they turn into, and the MP4s they make
(``moov`` before ``mdat``, no edit list, key frames every 2 s, sound in sync)."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

from persona.cli import EXPORT_NAMES, _options, build_parser, parse_size
from persona.errors import InputError
from persona.media import VideoWriter
from persona.media.formats import check_spec, profile_for
from persona.media.presets import PRESETS, get_preset, length_warnings
from persona.types import Frame, VideoSpec

EXPECTED = {  # name: (width, height, fps)
    "youtube": (1920, 1080, 30),
    "shorts": (1080, 1920, 30),
    "tiktok": (1080, 1920, 30),
    "reels": (1080, 1920, 30),
    "instagram": (1080, 1080, 30),
    "linkedin": (1920, 1080, 30),
}


def test_the_table_has_each_site_at_its_size() -> None:
    assert {n: (p.width, p.height, p.fps) for n, p in PRESETS.items()} == EXPECTED
    assert ", ".join(PRESETS) == EXPORT_NAMES


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_every_preset_encodes(name: str, container: str) -> None:
    preset = get_preset(name)
    spec = preset.video_spec(container)
    check_spec(spec)  # 1080x1920 included: no side over 1920, no more pixels than 1080p
    profile = profile_for(spec)
    assert profile.video_options["g"] == str(2 * spec.fps)  # a key frame every 2 s
    assert profile.video_options["crf"] not in ("", "0")
    assert 4_000 <= preset.max_kbps <= 25_000
    if container == "mp4":
        assert profile.video_options["maxrate"] == f"{preset.max_kbps}k"
        assert profile.video_options["bufsize"] == f"{2 * preset.max_kbps}k"
        assert "faststart" in profile.container_options["movflags"]
        assert profile.container_options["use_editlist"] == "0"
        assert profile.audio_codec == "aac"
    else:
        assert profile.video_options["b"] == f"{preset.max_kbps}k"  # constrained quality
        assert profile.audio_codec == "libopus"


def test_size_and_fps_given_by_hand_win() -> None:
    shorts = get_preset("Shorts")
    spec = shorts.video_spec(size=(720, 1280), fps=25)
    assert (spec.width, spec.height, spec.fps) == (720, 1280, 25)
    assert (spec.max_kbps, spec.keyframe_ms, spec.crf) == (shorts.max_kbps, 2000, shorts.crf)


def test_an_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(InputError, match="unknown export preset 'vimeo': use one of youtube"):
        get_preset("vimeo")


def test_length_warnings_name_the_site_and_its_limit() -> None:
    shorts = get_preset("shorts")
    assert length_warnings(shorts, 179_000) == []
    assert length_warnings(shorts, 200_000) == [
        "YouTube Shorts takes videos up to 3:00; this one is 3:20 long"
    ]
    assert length_warnings(get_preset("reels"), 2_000) == [
        "Instagram Reels takes videos of at least 3 s; this one is 2.0 s long"
    ]
    assert "1:00:00" in length_warnings(get_preset("tiktok"), 3_600_000)[0]


def test_the_command_line_takes_the_preset_and_its_overrides() -> None:
    parser = build_parser()
    base = ["render", "Hi", "--avatar", "a.jpg", "-o", "o.mp4"]
    spec = _options(parser.parse_args([*base, "--export", "shorts"])).video
    assert (spec.width, spec.height, spec.fps, spec.edit_list) == (1080, 1920, 30, False)
    spec = _options(parser.parse_args([*base, "--export", "youtube", "--fps", "25"])).video
    assert (spec.width, spec.height, spec.fps, spec.keyframe_ms) == (1920, 1080, 25, 2000)
    spec = _options(parser.parse_args([*base, "--export", "reels", "--size", "9:16"])).video
    assert (spec.width, spec.height, spec.fps) == (720, 1280, 30)
    spec = _options(parser.parse_args(base)).video
    assert (spec.width, spec.height, spec.fps, spec.edit_list) == (1280, 720, 25, True)
    assert parse_size("1080x1920") == (1080, 1920)
    with pytest.raises(InputError, match="unknown export preset"):
        _options(parser.parse_args([*base, "--export", "myspace"]))


# ---------------------------------------------------------------------------- files


def top_level_atoms(path: Path) -> list[str]:
    """The names of an MP4's top-level boxes, in file order."""
    data = path.read_bytes()
    names, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        names.append(kind.decode("latin-1"))
        pos += size if size else len(data)
    return names


def _encode(path: Path, spec: VideoSpec, n: int, flash: int = -1) -> np.ndarray:
    """``n`` frames (frame ``flash`` white, the rest dark) with a click at that frame's
    time; returns the audio given."""
    rate = 16000
    audio = np.zeros(n * rate // spec.fps, np.float32)
    if flash >= 0:
        start = flash * rate // spec.fps
        audio[start : start + rate // 1000] = 0.9
    with VideoWriter(path, spec, audio, rate) as writer:
        for k in range(n):
            writer.write(Frame(np.full((256, 256, 3), 250 if k == flash else 20, np.uint8)))
    return audio


@pytest.mark.parametrize("edit_list", [True, False])
def test_mp4s_start_with_their_index(tmp_path: Path, edit_list: bool) -> None:
    """faststart holds: ``moov`` comes before ``mdat``, so playback starts at once."""
    path = tmp_path / "a.mp4"
    _encode(path, VideoSpec(256, 256, 10, preset="ultrafast", edit_list=edit_list), 10)
    atoms = top_level_atoms(path)
    assert atoms[0] == "ftyp" and "mdat" in atoms
    assert atoms.index("moov") < atoms.index("mdat")
    assert (b"elst" in path.read_bytes()) == edit_list


def test_a_preset_mp4_has_key_frames_every_2_s_and_its_sound_in_sync(tmp_path: Path) -> None:
    path = tmp_path / "upload.mp4"
    spec = get_preset("youtube").video_spec(size=(256, 256), fps=10, preset="ultrafast")
    n, flash = 55, 37
    _encode(path, spec, n, flash)
    with av.open(str(path)) as container:
        keys = [k for k, p in enumerate(container.demux(video=0)) if p.size and p.is_keyframe]
    assert keys == [0, 20, 40]
    with av.open(str(path)) as container:
        shown = [float(f.time) for f in container.decode(video=0) if f.to_ndarray()[0].mean() > 128]
    with av.open(str(path)) as container:
        frames = list(container.decode(audio=0))
    sound = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    first = float((frames[0].pts or 0) * (frames[0].time_base or 1))
    click = first + int(np.argmax(np.abs(sound) > 0.45)) / frames[0].sample_rate
    assert shown == [pytest.approx(flash / 10)]
    assert abs(click - shown[0]) <= 0.001  # the AAC priming is skipped without an edit list
    assert abs(len(sound) / frames[0].sample_rate - n / 10) < 1 / 10
