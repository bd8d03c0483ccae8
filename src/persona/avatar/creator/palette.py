"""Named colours an avatar spec may use instead of ``#rrggbb``, and colour arithmetic.

Skin tones are the ten swatches of the Monk Skin Tone scale (``monk1`` lightest ..
``monk10`` deepest), so templates and users can cover the whole range by name.
"""

from __future__ import annotations

import re

SKIN: dict[str, str] = {
    "monk1": "#f6ede4",
    "monk2": "#f3e7db",
    "monk3": "#f7ead0",
    "monk4": "#eadaba",
    "monk5": "#d7bd96",
    "monk6": "#a07e56",
    "monk7": "#825c43",
    "monk8": "#604134",
    "monk9": "#3a312a",
    "monk10": "#292420",
}

HAIR: dict[str, str] = {
    "black": "#1d1a1a",
    "dark_brown": "#3b2a20",
    "brown": "#6a4630",
    "light_brown": "#9a6b43",
    "auburn": "#7e3420",
    "red": "#b0482a",
    "blonde": "#d8b46a",
    "platinum": "#e6dcc0",
    "grey": "#9b9b98",
    "white": "#e8e8e4",
}

EYES: dict[str, str] = {
    "dark_brown": "#3a2414",
    "brown": "#6b4226",
    "hazel": "#8a6a32",
    "amber": "#b07a2a",
    "green": "#4f7a42",
    "blue": "#3f76b5",
    "grey": "#7d8a92",
    "black": "#1a1412",
}

GENERAL: dict[str, str] = {
    "white": "#f4f4f2",
    "black": "#1f1f22",
    "grey": "#8c8f94",
    "navy": "#24375e",
    "blue": "#3a6ea5",
    "sky": "#8ec3e6",
    "teal": "#2a8c8c",
    "green": "#3f8a4f",
    "olive": "#6b7436",
    "yellow": "#e8c547",
    "mustard": "#c9a227",
    "orange": "#e07b39",
    "red": "#c0392b",
    "maroon": "#7a2430",
    "pink": "#e58fb0",
    "magenta": "#b0307a",
    "purple": "#6d4c9e",
    "lavender": "#b6a6d8",
    "brown": "#7a5230",
    "beige": "#d8c7a6",
    "cream": "#f1e6cc",
    "gold": "#d4af37",
    "silver": "#c0c4c8",
}

_HEX = re.compile(r"^#[0-9a-f]{6}$")


def resolve(value: str, *palettes: dict[str, str]) -> str | None:
    """``#rrggbb`` for a hex colour or a name in one of ``palettes``; ``None`` if neither."""
    text = value.strip().lower()
    if _HEX.match(text):
        return text
    for palette in (*palettes, GENERAL):
        if text in palette:
            return palette[text]
    return None


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[1:3], 16), int(hex_colour[3:5], 16), int(hex_colour[5:7], 16)


def to_hex(r: float, g: float, b: float) -> str:
    def c(v: float) -> int:
        return max(0, min(255, round(v)))

    return f"#{c(r):02x}{c(g):02x}{c(b):02x}"


def mix(a: str, b: str, t: float) -> str:
    """``a`` moved a share ``t`` of the way toward ``b``."""
    ra, rb = rgb(a), rgb(b)
    return to_hex(*(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))


def shade(colour: str, amount: float) -> str:
    """Darker (``amount`` > 0) or lighter (< 0) by mixing with black or white."""
    return mix(colour, "#000000", amount) if amount >= 0 else mix(colour, "#ffffff", -amount)


def luma(colour: str) -> float:
    r, g, b = rgb(colour)
    return (0.299 * r + 0.587 * g + 0.114 * b) / 255.0
