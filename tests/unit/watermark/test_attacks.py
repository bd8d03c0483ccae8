"""The mark outlives what happens to videos after they leave the studio.

Five 448 px clips of different templates; each attack must leave the payload readable
in at least four of them, and no unmarked clip may read as marked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from persona.watermark import detect_video
from persona.watermark.attacks import Attack, attack

pytestmark = pytest.mark.slow

PAYLOAD = 0x0123_4567_89AB_CDEF
TEMPLATES = ("maya", "arjun", "kwame", "mei", "walter")
CLIP_SIZE = (448, 448)


@pytest.fixture(scope="module")
def marked_clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Five 5.5 s clips of different templates carrying :data:`PAYLOAD`."""
    from persona.watermark.attacks import render_clip
    from persona.watermark.embed import Watermarker
    from persona.watermark.label import AiLabel

    folder = tmp_path_factory.mktemp("marked")
    return [
        render_clip(
            f"template:{name}",
            folder / f"{name}.mp4",
            CLIP_SIZE,
            5.5,
            [AiLabel(), Watermarker(PAYLOAD)],
            seed=k,
        )
        for k, name in enumerate(TEMPLATES)
    ]


ATTACKED = (
    Attack("crf28", crf=28),
    Attack("downscale50", scale=0.5),
    Attack("crop10", crop=0.1),
    Attack("crop10-right", crop=0.1, sides="right"),
    Attack("trim5s", seconds=5.0),
)


def test_marked_clips_read_as_they_are(marked_clips: list[Path]) -> None:
    for clip in marked_clips:
        reading = detect_video(clip)
        assert reading.found and reading.payload == PAYLOAD, clip.name


@pytest.mark.parametrize("how", ATTACKED, ids=lambda a: a.name)
def test_payload_survives(how: Attack, marked_clips: list[Path], tmp_path: Path) -> None:
    read = [
        detect_video(attack(clip, tmp_path / clip.name, how)).payload == PAYLOAD
        for clip in marked_clips
    ]
    assert sum(read) >= 4, f"{how.name}: read in {sum(read)} of {len(read)}"


def test_trim_reads_fewer_frames(marked_clips: list[Path], tmp_path: Path) -> None:
    reading = detect_video(attack(marked_clips[0], tmp_path / "t.mp4", Attack(seconds=2.0)))
    assert reading.frames_used == 50 and reading.payload == PAYLOAD


def test_unmarked_clips_are_not_found(tmp_path: Path) -> None:
    from persona.watermark.attacks import render_clip
    from persona.watermark.label import AiLabel

    for k, name in enumerate(("maya", "priya", "hiro")):
        clip = render_clip(
            f"template:{name}", tmp_path / f"{name}.mp4", CLIP_SIZE, 2.0, [AiLabel()], k
        )
        for how in (Attack("none"), Attack("crf28", crf=28, scale=0.5)):
            reading = detect_video(attack(clip, tmp_path / f"{name}-{how.name}.mp4", how))
            assert not reading.found, (name, how.name, reading)


def test_unreadable_video_is_an_input_error(tmp_path: Path) -> None:
    from persona.errors import InputError

    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video")
    with pytest.raises(InputError, match="cannot read video"):
        detect_video(bad)
