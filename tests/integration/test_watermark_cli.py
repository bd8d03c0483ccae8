"""`persona render` and `persona scene` output carries both marks; the label goes only
for the requester's own likeness."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from persona.cli import main

pytestmark = pytest.mark.slow

SCRIPT = "Hello, this video carries two marks."
SMALL = ["--size", "256x256", "-q"]
MARKED = ["--size", "480x480", "-q"]
"""The size from which photo avatars' marks read reliably (see docs/responsible-ai.md)."""


def _first_frame(path: Path) -> np.ndarray:
    from persona.media import read_video_frames

    return next(iter(read_video_frames(path))).astype(int)


def _render(output: Path, avatar: str, *extra: str, size: list[str] = SMALL) -> int:
    return main(["render", SCRIPT, "--avatar", avatar, "-o", str(output), *extra, *size])


def test_render_output_has_label_and_watermark(tmp_path: Path) -> None:
    from persona.watermark import detect_video, payload_for
    from persona.watermark.label import badge
    from persona.watermark.options import LabelOptions

    default, moved = tmp_path / "default.mp4", tmp_path / "moved.mp4"
    assert _render(default, "template:maya") == 0
    assert _render(moved, "template:maya", "--ai-label", "top-left") == 0
    reading = detect_video(default)
    assert reading.found and reading.payload is not None
    sidecar = default.with_name(default.name + ".provenance.json")
    if sidecar.exists():  # the provenance records the id the watermark carries
        video_id = json.loads(sidecar.read_text())["manifest"]["video_id"]
        assert reading.payload == payload_for(video_id)
    a, b = _first_frame(default), _first_frame(moved)
    for options in (LabelOptions(), LabelOptions("top-left")):
        r = badge(options, 256, 256, (0, 0)).rect
        assert np.abs(a - b)[r.y : r.y + r.h, r.x : r.x + r.w].max() > 60
    middle = np.abs(a - b)[60:190, 60:190]
    assert np.median(middle) < 5  # elsewhere only the two watermarks differ


def test_no_label_is_refused_for_a_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _render(tmp_path / "x.mp4", "template:maya", "--no-ai-label") == 2
    err = capsys.readouterr().err
    assert "AI-generated label cannot be turned off" in err and "Traceback" not in err
    assert not (tmp_path / "x.mp4").exists()


def test_bad_label_options_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _render(tmp_path / "x.mp4", "template:maya", "--ai-label-opacity", "3") == 2
    assert "opacity" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _render(tmp_path / "x.mp4", "template:maya", "--ai-label", "centre")


def test_own_likeness_may_drop_the_label(tmp_path: Path, portrait_path: Path) -> None:
    from persona.avatar.store import AvatarStore
    from persona.consent import create_consent, default_uploader
    from persona.watermark import detect_video

    me = default_uploader()
    consent = create_consent("avatar", me, "I agree to my face being used.", "my own videos")
    assert main(["avatars", "create", "--photo", str(portrait_path), "--consent", consent.id]) == 0
    avatar = AvatarStore().list()[0].id
    labelled, plain = tmp_path / "labelled.mp4", tmp_path / "plain.mp4"
    assert _render(labelled, avatar, size=MARKED) == 0
    assert _render(plain, avatar, "--no-ai-label", size=MARKED) == 0
    assert detect_video(plain).found  # the watermark stays
    a, b = _first_frame(labelled), _first_frame(plain)
    corner = np.abs(a - b)[400:, 300:]
    assert corner.max() > 60  # the label was only in the labelled video
