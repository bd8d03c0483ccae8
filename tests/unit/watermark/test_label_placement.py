"""Where the AI-generated label goes when captions, lower thirds or a logo take a
corner: never floating mid-frame, never over the logo."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.scene.model import LogoSpec, SceneSpec, Speaker
from persona.types import Frame
from persona.watermark.label import MAX_LIFT_SHARE, AiLabel, badge, corner_for
from persona.watermark.options import LabelOptions, Marks


@pytest.mark.parametrize(
    ("position", "clear", "avoid", "corner"),
    [
        ("bottom-right", (0.0, 0.0), (), "bottom-right"),
        ("bottom-right", (0.0, MAX_LIFT_SHARE), (), "bottom-right"),  # pushed a little
        ("bottom-right", (0.0, 0.36), (), "top-right"),  # captions over lower thirds
        ("bottom-left", (0.0, 0.36), (), "top-left"),
        ("top-left", (0.3, 0.0), (), "bottom-left"),  # top captions
        ("bottom-right", (0.0, 0.36), ("top-right",), "top-left"),  # a logo there
        ("top-left", (0.0, 0.0), ("top-left",), "bottom-left"),
        ("bottom-right", (0.3, 0.36), (), "top-right"),  # both taken: the least
        ("bottom-right", (0.4, 0.36), (), "bottom-right"),
        ("bottom-right", (0.0, 0.0), ("top-left", "top-right", "bottom-left", "bottom-right"),
         "bottom-right"),  # nowhere free: as asked
    ],
)  # fmt: skip
def test_corner_for(
    position: str, clear: tuple[float, float], avoid: tuple[str, ...], corner: str
) -> None:
    assert corner_for(position, clear, avoid) == corner


def test_the_label_never_floats_mid_frame() -> None:
    for bottom in np.linspace(0.0, 0.45, 19):
        for position in ("bottom-left", "bottom-right"):
            r = badge(LabelOptions(position), 1280, 720, (0.0, float(bottom))).rect
            centre = r.y + r.h / 2
            assert centre < 0.12 * 720 or centre > (0.97 - MAX_LIFT_SHARE) * 720
            assert r.y + r.h <= 720 * (1 - bottom) + 1  # and never over what is below


def test_the_label_keeps_off_the_logo() -> None:
    image = np.full((720, 1280, 3), 128, np.uint8)
    label = AiLabel(LabelOptions("top-left"), avoid=("top-left",))
    marked = label.apply(Frame(image), 0).image
    assert label.badge is not None and label.badge.rect.y > 360  # moved to the bottom
    assert np.array_equal(marked[:200, :400], image[:200, :400])


def test_a_scene_passes_its_logo_corner(tmp_path: Path) -> None:
    from persona.pipeline import Finishing
    from persona.scene.render import _mark_filters

    speakers = (Speaker("a", "Ann", "template:maya"), Speaker("b", "Bo", "template:kwame"))
    logo = LogoSpec(tmp_path / "logo.png", corner="top-right")
    scene = SceneSpec(speakers, logo=logo)
    label = _mark_filters(Finishing(marks=Marks()), scene, "vid_x")[0]
    assert isinstance(label, AiLabel) and label.avoid == ("top-right",)
    assert label.clear[1] > MAX_LIFT_SHARE  # the lower thirds take the bottom
    rect = badge(label.options, 1280, 720, label.clear, label.avoid).rect
    assert rect.x < 640 and rect.y < 72  # top-left: the bottom and the logo's corner are taken
