"""The compositor: redrawing only what changed gives the same picture as drawing it all."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from persona.compose.backdrops import Backdrop, GradientBackdrop, colour_backdrop
from persona.compose.compositor import Compositor
from persona.compose.layouts import INSET, Region, focus_regions, wide_regions
from persona.compose.overlays import ActiveRing, Logo, LowerThird, Overlay, Showing, TitleCard
from persona.compose.panels import Panel
from persona.compose.sprites import Sprite, blend, uncovered
from persona.types import Frame, Rect

W, H = 320, 180


class FakeAvatar:
    """Pictures that change in a random small rectangle each frame, like a talking head."""

    def __init__(self, w: int, h: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.image = self.rng.integers(0, 255, (h, w, 3), dtype=np.uint8)

    def render(self) -> Frame:
        h, w = self.image.shape[:2]
        x, y = int(self.rng.integers(0, w - 10)), int(self.rng.integers(0, h - 10))
        rect = Rect(x, y, int(self.rng.integers(1, w - x)), int(self.rng.integers(1, h - y)))
        self.image[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = self.rng.integers(
            0, 255, 3
        )
        return Frame(self.image, rect)


def test_blend_premultiplied_opacity_and_hole() -> None:
    canvas = np.zeros((10, 10, 3), np.uint8)
    image = np.zeros((10, 10, 4), np.uint8)
    image[...] = (100, 100, 100, 128)  # half-transparent grey, premultiplied
    blend(canvas, Sprite(image, 0, 0, 0.5, hole=Rect(2, 2, 6, 6)), Rect(0, 0, 10, 10))
    assert canvas[0, 0].tolist() == [50, 50, 50]
    assert canvas[5, 5].tolist() == [0, 0, 0]  # the hole is skipped
    canvas[...] = 0
    opaque = np.full((4, 4, 3), 200, np.uint8)
    blend(canvas, Sprite(opaque, 6, 6, 0.25), Rect(0, 0, 8, 8))  # clipped to 2x2
    assert canvas[7, 7].tolist() == [50, 50, 50] and canvas[9, 9].tolist() == [0, 0, 0]


def test_uncovered_tiles_the_rest_of_the_frame() -> None:
    whole = Rect(0, 0, W, H)
    covers = [r.rect for r in wide_regions("split", 2, W, H)]
    gaps = uncovered(whole, covers)
    mask = np.zeros((H, W), np.int32)
    for r in gaps + covers:
        mask[r.y : r.y + r.h, r.x : r.x + r.w] += 1
    assert np.all(mask == 1)  # every pixel exactly once


def test_panel_corners_are_rounded_and_clipped() -> None:
    region = wide_regions("split", 2, W, H)[0]
    panel = Panel.make(region, W, H)
    canvas = np.zeros((H, W, 3), np.uint8)
    picture = np.full((region.rect.h, region.rect.w, 3), 255, np.uint8)
    panel.paste(canvas, picture, Rect(0, 0, W, H))
    r = region.rect
    assert canvas[r.y, r.x].tolist() == [0, 0, 0]  # the very corner stays background
    assert canvas[r.y + r.h // 2, r.x + r.w // 2].tolist() == [255, 255, 255]
    assert canvas[r.y, r.x + r.w // 2].tolist() == [255, 255, 255]  # edges are straight
    canvas[...] = 0
    panel.paste(canvas, picture, Rect(r.x + 20, r.y + 20, 5, 5))
    assert canvas.sum() == 5 * 5 * 3 * 255  # only the clip


def compose_sequence(
    backdrop: Callable[[], Backdrop],
    regions_per_frame: Sequence[tuple[Region, ...]],
    overlays: Sequence[Overlay],
    n: int,
) -> list[Rect | None]:
    """Compose ``n`` frames incrementally (frame k shows ``regions_per_frame[k]``, the last
    one repeating); each must equal a full compose of the same pictures from scratch."""
    sizes = {(r.speaker, r.rect.w, r.rect.h) for regions in regions_per_frame for r in regions}
    avatars = {key: FakeAvatar(key[1], key[2], seed=i) for i, key in enumerate(sorted(sizes))}
    comp = Compositor(W, H, backdrop(), overlays)
    dirty_seen = []
    for k in range(n):
        regions = regions_per_frame[min(k, len(regions_per_frame) - 1)]
        pictures = [avatars[(r.speaker, r.rect.w, r.rect.h)].render() for r in regions]
        frame = comp.compose(k, regions, pictures)
        dirty_seen.append(frame.dirty)
        fresh = Compositor(W, H, backdrop(), overlays)
        expected = fresh.compose(k, regions, [Frame(p.image, None) for p in pictures]).image
        np.testing.assert_array_equal(frame.image, expected)
    return dirty_seen


def lower_third(region: Region, start: int, end: int) -> LowerThird:
    return LowerThird(
        "Alex Rivera", "Host", (40, 160, 240), region.rect, (W, H), Showing(start, end, 3)
    )


def test_incremental_frames_equal_full_redraws() -> None:
    regions = wide_regions("split", 2, W, H)
    ring = ActiveRing(
        [(2, 9, regions[0].rect, (0, 200, 255)), (11, 18, regions[1].rect, (255, 200, 0))], 5, 2
    )
    logo = Logo.place(np.full((30, 50, 4), 120, np.uint8), "top-left", (W, H), 4)  # over a panel
    overlays = [ring, logo, lower_third(regions[0], 3, 12), lower_third(regions[1], 8, 20)]
    dirty = compose_sequence(lambda: colour_backdrop((40, 30, 20), W, H), [regions], overlays, 24)
    assert dirty[0] is None
    assert all(d is not None and d.w * d.h < W * H for d in dirty[1:])


def test_animated_backdrop_and_title_card() -> None:
    regions = wide_regions("split", 2, W, H)
    title = TitleCard(np.full((H, W, 3), 90, np.uint8), Showing(0, 6, 3))
    compose_sequence(
        lambda: GradientBackdrop([(0, 0, 0), (255, 128, 0)], W, H, fps=25, period_s=0.5),
        [regions],
        [title],
        12,
    )


def test_a_cut_redraws_everything_and_can_cross_fade() -> None:
    a = focus_regions("pip", 2, W, H, 0)
    b = focus_regions("pip", 2, W, H, 1)
    sequence = (a, a, a, b, b, b, b, b)
    dirty = compose_sequence(lambda: colour_backdrop((0, 0, 0), W, H), sequence, [], 8)
    assert dirty[3] is None and dirty[4] is not None
    assert any(r.style == INSET for r in a)

    comp = Compositor(W, H, colour_backdrop((0, 0, 0), W, H), fade_frames=3)
    white, black = (np.full((H, W, 3), v, np.uint8) for v in (255, 0))
    full = focus_regions("closeups", 2, W, H, 0)
    other = focus_regions("closeups", 2, W, H, 1)
    comp.compose(0, full, [Frame(white, None)])
    levels = [float(comp.compose(k, other, [Frame(black, None)]).image.mean()) for k in range(1, 6)]
    assert levels[0] == pytest.approx(255 * 3 / 4, abs=1)  # fading out of white
    assert levels[0] > levels[1] > levels[2] and levels[3] == levels[4] == 0


def test_lower_third_slides_and_fades() -> None:
    region = wide_regions("split", 2, W, H)[0]
    third = lower_third(region, 10, 30)
    assert third.sprite(9) is None and third.sprite(30) is None
    first, settled, leaving = third.sprite(10), third.sprite(20), third.sprite(29)
    assert first is not None and settled is not None and leaving is not None
    assert first.opacity < 0.5 and first.x < settled.x and settled.opacity == 1.0
    assert leaving.opacity < 0.5 and leaving.x == settled.x
    r = settled.rect
    assert region.rect.x <= r.x and r.x + r.w <= region.rect.x + region.rect.w
    assert r.y + r.h <= region.rect.y + region.rect.h and r.y > region.rect.y + region.rect.h / 2
    assert settled.image is third.sprite(21).image  # drawn once  # type: ignore[union-attr]
