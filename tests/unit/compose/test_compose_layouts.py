"""Layout geometry: every region inside the frame, no overlaps, the shares asked for."""

from __future__ import annotations

import itertools

import pytest

from persona.compose.layouts import (
    FULL,
    INSET,
    LAYOUTS,
    check_speaker_count,
    focus_regions,
    layout_name,
    margin,
    region_sizes,
    wide_regions,
)
from persona.compose.sprites import intersect
from persona.errors import InputError
from persona.types import Rect

SIZES = [(1280, 720), (720, 1280), (480, 270), (1920, 1080)]


def inside(rect: Rect, width: int, height: int) -> bool:
    return rect.x >= 0 and rect.y >= 0 and rect.x + rect.w <= width and rect.y + rect.h <= height


@pytest.mark.parametrize(
    ("layout", "n"),
    [(name, n) for name in LAYOUTS for n in (2, 3, 4) if not (name == "grid" and n == 2)],
)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_wide_regions_fill_the_frame_without_overlaps(
    layout: str, n: int, width: int, height: int
) -> None:
    regions = wide_regions(layout, n, width, height)
    assert [r.speaker for r in regions] == list(range(n))
    gap = margin(width, height)
    for a, b in itertools.combinations(regions, 2):
        assert intersect(a.rect, b.rect) is None
    for r in regions:
        assert inside(r.rect, width, height) and min(r.rect.w, r.rect.h) >= 16
        assert r.rect.x >= gap and r.rect.y >= gap
    area = sum(r.rect.w * r.rect.h for r in regions)
    assert (
        area > (0.6 if n == 3 and layout in ("grid", "pip", "closeups") else 0.8) * width * height
    )


@pytest.mark.parametrize(
    ("layout", "share"), [("split", 0.5), ("split-60-40", 0.6), ("split-70-30", 0.7)]
)
def test_split_shares(layout: str, share: float) -> None:
    host, guest = wide_regions(layout, 2, 1280, 720)
    assert host.rect.w / (host.rect.w + guest.rect.w) == pytest.approx(share, abs=0.01)
    assert host.rect.x < guest.rect.x and host.rect.h == guest.rect.h
    # in a portrait frame the panels stack
    top, bottom = wide_regions(layout, 2, 720, 1280)
    assert top.rect.y < bottom.rect.y and top.rect.w == bottom.rect.w
    assert top.rect.h / (top.rect.h + bottom.rect.h) == pytest.approx(share, abs=0.01)


def test_the_host_gets_the_big_panel_and_guests_stack() -> None:
    regions = wide_regions("split-70-30", 3, 1280, 720, host=2)
    big = max(regions, key=lambda r: r.rect.w * r.rect.h)
    assert big.speaker == 2
    a, b = (r for r in regions if r.speaker != 2)
    assert a.rect.x == b.rect.x and a.rect.y < b.rect.y  # stacked in the guest column


def test_grid_of_three_centres_the_third() -> None:
    first, second, third = wide_regions("grid", 3, 1280, 720)
    assert first.rect.y == second.rect.y < third.rect.y
    assert abs((third.rect.x + third.rect.w / 2) - 640) <= 1


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_pip_insets_keep_clear_of_the_face(width: int, height: int) -> None:
    regions = focus_regions("pip", 4, width, height, focus=1)
    full, *insets = regions
    assert full.speaker == 1 and full.style == FULL and full.rect == Rect(0, 0, width, height)
    assert [r.speaker for r in insets] == [0, 2, 3] and all(r.style == INSET for r in insets)
    for a, b in itertools.combinations(insets, 2):
        assert intersect(a.rect, b.rect) is None
    assert all(inside(r.rect, width, height) for r in insets)
    if width >= height:  # up the right edge
        assert all(r.rect.x > width / 2 for r in insets)
    else:  # in a row along the bottom, below the face
        assert len({r.rect.y for r in insets}) == 1 and insets[0].rect.y > height / 2
    assert focus_regions("closeups", 4, width, height, focus=3) == (
        type(full)(3, Rect(0, 0, width, height), FULL),
    )


def test_region_sizes_cover_every_shot() -> None:
    sizes = region_sizes("pip", 2, 1280, 720)
    assert (1280, 720) in sizes[0] and (1280, 720) in sizes[1] and len(sizes[0]) == 2
    assert region_sizes("split", 2, 1280, 720) == [
        {(r.rect.w, r.rect.h)} for r in wide_regions("split", 2, 1280, 720)
    ]
    closeups = region_sizes("closeups", 3, 1280, 720)
    assert all(len(s) == 2 and (1280, 720) in s for s in closeups)


def test_names_aliases_and_counts() -> None:
    assert layout_name(" 60/40 ") == "split-60-40" and layout_name("Round-Table") == "grid"
    with pytest.raises(InputError, match="unknown layout 'stack': choose one of split"):
        layout_name("stack")
    with pytest.raises(InputError, match="2 to 4 speakers"):
        check_speaker_count("split", 5)
    with pytest.raises(InputError, match="grid layout"):
        check_speaker_count("grid", 2)
