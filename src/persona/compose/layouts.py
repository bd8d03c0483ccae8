"""Where each speaker of a scene goes: layouts as plain rectangles.

A layout names an arrangement of 2-4 speakers on a frame:

* ``split``: equal panels side by side (stacked in a portrait frame);
* ``split-60-40`` and ``split-70-30``: the host's panel takes 60 % or 70 % of the frame,
  the guests share the rest (stacked when there are two or three of them);
* ``grid``: a round table of 3 or 4 panels, two rows of two (the third speaker centred
  below the first two);
* ``pip``: picture in picture, the active speaker fills the frame, the others sit in
  insets (up the right edge, or along the bottom of a portrait frame);
* ``closeups``: one speaker at a time, full frame, cutting to whoever speaks, with
  reaction shots and a wide shot (``split`` or ``grid``) for quick exchanges.

Every function here is pure geometry over integer pixels: rectangles are
:class:`~persona.types.Rect` in frame coordinates, one per speaker, in speaker order.
"""

from __future__ import annotations

from dataclasses import dataclass

from persona.errors import InputError
from persona.types import Rect

LAYOUTS: tuple[str, ...] = ("split", "split-60-40", "split-70-30", "grid", "pip", "closeups")
ALIASES = {
    "50/50": "split",
    "60/40": "split-60-40",
    "70/30": "split-70-30",
    "round-table": "grid",
    "2x2": "grid",
    "picture-in-picture": "pip",
    "cut": "closeups",
}
HOST_SHARE = {"split-60-40": 0.6, "split-70-30": 0.7}
MIN_SPEAKERS, MAX_SPEAKERS = 2, 4
CUT_LAYOUTS = frozenset({"pip", "closeups"})
"""Layouts whose picture changes with the active speaker (the others never cut)."""

MARGIN_SHARE = 0.025
"""Gap between panels and around them, as a share of the frame's shorter side."""
RADIUS_SHARE = 0.03
"""Corner radius of panels and insets, as a share of the frame's shorter side."""
INSET_SHARE = 0.28
"""An inset's side as a share of the frame's shorter side (three fit up a 16:9 frame)."""

PANEL, FULL, INSET = "panel", "full", "inset"
"""Region styles: a framed panel, the whole frame, a corner inset over the full picture."""


@dataclass(frozen=True)
class Region:
    """Where one speaker is shown, and how its edge is drawn."""

    speaker: int
    rect: Rect
    style: str = PANEL


def layout_name(text: str) -> str:
    """The canonical layout name for ``text`` (aliases such as ``60/40`` accepted)."""
    name = text.strip().lower()
    name = ALIASES.get(name, name)
    if name not in LAYOUTS:
        raise InputError(
            f"unknown layout {text!r}: choose one of {', '.join(LAYOUTS)} (or {', '.join(ALIASES)})"
        )
    return name


def check_speaker_count(layout: str, n: int) -> None:
    """Raise :class:`InputError` when ``layout`` cannot show ``n`` speakers."""
    if not MIN_SPEAKERS <= n <= MAX_SPEAKERS:
        raise InputError(
            f"a scene needs {MIN_SPEAKERS} to {MAX_SPEAKERS} speakers, the scene file has {n}"
        )
    if layout == "grid" and n < 3:
        raise InputError("the grid layout (round table) needs 3 or 4 speakers; use split")


def margin(width: int, height: int) -> int:
    return max(2, round(MARGIN_SHARE * min(width, height)))


def corner_radius(width: int, height: int) -> int:
    return max(2, round(RADIUS_SHARE * min(width, height)))


def _strip(start: int, length: int, shares: list[float], gap: int) -> list[tuple[int, int]]:
    """Split ``length`` pixels from ``start`` into parts by ``shares``, ``gap`` between them
    and at both ends: (offset, size) per part."""
    inner = length - gap * (len(shares) + 1)
    total = sum(shares)
    parts: list[tuple[int, int]] = []
    pos = start + gap
    for k, share in enumerate(shares):
        end = start + length - gap if k == len(shares) - 1 else pos + round(inner * share / total)
        parts.append((pos, end - pos))
        pos = end + gap
    return parts


def _cells(
    x: int, y: int, w: int, h: int, shares: list[float], across: bool, gap: int
) -> list[Rect]:
    """Panels side by side (``across``) or stacked, inside the box (x, y, w, h)."""
    if across:
        return [Rect(px, y + gap, pw, h - 2 * gap) for px, pw in _strip(x, w, shares, gap)]
    return [Rect(x + gap, py, w - 2 * gap, ph) for py, ph in _strip(y, h, shares, gap)]


def split_rects(n: int, width: int, height: int) -> list[Rect]:
    """``n`` equal panels: side by side in a landscape frame, stacked in a portrait one."""
    return _cells(0, 0, width, height, [1.0] * n, width >= height, margin(width, height))


def host_rects(n: int, width: int, height: int, share: float) -> list[Rect]:
    """The host (first) panel takes ``share`` of the frame; the guests split the rest."""
    gap = margin(width, height)
    across = width >= height
    host, rest = _cells(0, 0, width, height, [share, 1.0 - share], across, gap)
    if n == 2:
        return [host, rest]
    if across:  # the guests stack in the remaining column, sharing its outer margins
        box = Rect(rest.x - gap, 0, rest.w + 2 * gap, height)
        guests = _cells(box.x, box.y, box.w, box.h, [1.0] * (n - 1), False, gap)
    else:
        box = Rect(0, rest.y - gap, width, rest.h + 2 * gap)
        guests = _cells(box.x, box.y, box.w, box.h, [1.0] * (n - 1), True, gap)
    return [host, *guests]


def grid_rects(n: int, width: int, height: int) -> list[Rect]:
    """Two rows of two panels; with three speakers the third is centred below."""
    gap = margin(width, height)
    top, bottom = _cells(0, 0, width, height, [1.0, 1.0], False, gap)
    first = _cells(0, top.y - gap, width, top.h + 2 * gap, [1.0, 1.0], True, gap)
    second = _cells(0, bottom.y - gap, width, bottom.h + 2 * gap, [1.0, 1.0], True, gap)
    if n == 4:
        return [*first, *second]
    cell = second[0]
    return [*first, Rect((width - cell.w) // 2, cell.y, cell.w, cell.h)]


def inset_rects(count: int, width: int, height: int) -> list[Rect]:
    """Insets over a full-frame picture: in a landscape frame stacked up the right edge
    from the bottom (the bottom left stays free for lower thirds); in a portrait frame in
    a row along the bottom from the right (below the face, which sits high)."""
    gap = margin(width, height)
    side = round(INSET_SHARE * min(width, height))
    if width >= height:
        return [
            Rect(width - side - gap, height - (k + 1) * (side + gap), side, side)
            for k in range(count)
        ]
    h = round(side * 1.25)
    return [Rect(width - (k + 1) * (side + gap), height - h - gap, side, h) for k in range(count)]


def wide_regions(layout: str, n: int, width: int, height: int, host: int = 0) -> tuple[Region, ...]:
    """Every speaker in a panel of their own (the layout's picture with no one singled out).

    Host layouts give speaker ``host`` the big panel; ``pip`` and ``closeups`` use
    ``split`` for two speakers and ``grid`` for more as their wide picture.
    """
    if layout in HOST_SHARE:
        rects = host_rects(n, width, height, HOST_SHARE[layout])
        order = [host, *(k for k in range(n) if k != host)]
        by_speaker = dict(zip(order, rects, strict=True))
        return tuple(Region(k, by_speaker[k]) for k in range(n))
    use_grid = layout == "grid" or (layout in CUT_LAYOUTS and n >= 3)
    rects = grid_rects(n, width, height) if use_grid else split_rects(n, width, height)
    return tuple(Region(k, rect) for k, rect in enumerate(rects))


def focus_regions(layout: str, n: int, width: int, height: int, focus: int) -> tuple[Region, ...]:
    """Speaker ``focus`` full frame; in ``pip`` the others in insets as well."""
    full = Region(focus, Rect(0, 0, width, height), FULL)
    if layout != "pip":
        return (full,)
    others = [k for k in range(n) if k != focus]
    insets = inset_rects(len(others), width, height)
    return (full, *(Region(k, r, INSET) for k, r in zip(others, insets, strict=True)))


def region_sizes(
    layout: str, n: int, width: int, height: int, host: int = 0
) -> list[set[tuple[int, int]]]:
    """Per speaker, every (width, height) it can be shown at in ``layout``: the sizes its
    avatar must be opened at."""
    sizes: list[set[tuple[int, int]]] = [set() for _ in range(n)]
    groups = [wide_regions(layout, n, width, height, host)] if layout not in CUT_LAYOUTS else []
    if layout == "closeups":
        groups.append(wide_regions(layout, n, width, height, host))
    if layout in CUT_LAYOUTS:
        groups += [focus_regions(layout, n, width, height, k) for k in range(n)]
    for regions in groups:
        for region in regions:
            sizes[region.speaker].add((region.rect.w, region.rect.h))
    return sizes
