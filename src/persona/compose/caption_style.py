"""How captions look: one :class:`CaptionStyle` for burned-in text and ASS files.

Sizes are fractions, so one style fits every frame size: the font size is a share of
the frame height, the outline and shadow shares of the font size, the margin a share of
the frame height and the text width a share of the frame width (the title-safe area).

``--caption-style`` on the command line is ``KEY=VALUE`` pairs separated by commas
(:func:`parse_style`): ``position=top,highlight=#ffd400,box=on,size=0.06``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

from persona.errors import InputError

DEFAULT_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
"""DejaVu Sans (Debian ``fonts-dejavu-core``): Latin, Greek, Cyrillic, Arabic, Hebrew."""

POSITIONS = ("bottom", "top")
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class CaptionStyle:
    """The look of captions (see the module docstring for the units).

    ``font`` is a TrueType/OpenType file (``None``: DejaVu Sans). ``outline`` and
    ``shadow`` are the outline width and the shadow offset as shares of the font size.
    ``box`` draws a translucent ``box_colour`` box behind each line. ``highlight`` is
    the colour of the word being spoken (``None``: no highlight).
    """

    font: str | None = None
    size: float = 0.055
    colour: str = "#ffffff"
    outline_colour: str = "#000000"
    outline: float = 0.07
    shadow: float = 0.035
    box: bool = False
    box_colour: str = "#000000"
    box_opacity: float = 0.6
    position: str = "bottom"
    margin: float = 0.07
    safe_width: float = 0.9
    highlight: str | None = None
    line_spacing: float = 1.2

    def __post_init__(self) -> None:
        for name in ("colour", "outline_colour", "box_colour", "highlight"):
            value = getattr(self, name)
            if value is not None and not _HEX.fullmatch(value):
                raise InputError(f"caption {name} must look like #rrggbb, not {value!r}")
        _check_range("size", self.size, 0.01, 0.3)
        _check_range("outline", self.outline, 0.0, 0.3)
        _check_range("shadow", self.shadow, 0.0, 0.3)
        _check_range("box_opacity", self.box_opacity, 0.0, 1.0)
        _check_range("margin", self.margin, 0.0, 0.4)
        _check_range("safe_width", self.safe_width, 0.3, 1.0)
        _check_range("line_spacing", self.line_spacing, 0.8, 3.0)
        if self.position not in POSITIONS:
            raise InputError(f"caption position must be bottom or top, not {self.position!r}")
        if self.font is not None:
            if not Path(self.font).is_file():
                raise InputError(f"caption font {self.font} not found")
            font_family(Path(self.font))  # InputError when it is not a font

    @property
    def font_path(self) -> Path:
        return Path(self.font) if self.font else DEFAULT_FONT

    def font_size(self, height: int) -> int:
        """The font size in pixels on a frame ``height`` pixels tall."""
        return max(8, round(self.size * height))


def _check_range(name: str, value: float, low: float, high: float) -> None:
    if not low <= value <= high:
        raise InputError(f"caption {name} must be between {low} and {high}, not {value}")


def parse_style(text: str, base: CaptionStyle | None = None) -> CaptionStyle:
    """``base`` (default: the default style) changed by ``KEY=VALUE,KEY=VALUE``.

    Keys are the fields of :class:`CaptionStyle`; ``colour`` may be spelt ``color``;
    booleans take on/off, yes/no, true/false, 1/0; ``highlight=none`` turns it off.
    Raises :class:`~persona.errors.InputError` naming a bad key or value.
    """
    style = base or CaptionStyle()
    kinds = {f.name: f.type for f in fields(CaptionStyle)}
    changes: dict[str, object] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip().lower().replace("-", "_").replace("color", "colour")
        if not sep or key not in kinds:
            raise InputError(
                f"bad caption style {item!r}: use KEY=VALUE with KEY one of {', '.join(kinds)}"
            )
        changes[key] = _value(key, str(kinds[key]), value.strip())
    return replace(style, **changes)  # type: ignore[arg-type]


def _value(key: str, kind: str, value: str) -> object:
    if kind.startswith("bool"):
        flag = value.lower()
        if flag not in ("on", "off", "yes", "no", "true", "false", "1", "0"):
            raise InputError(f"caption {key} must be on or off, not {value!r}")
        return flag in ("on", "yes", "true", "1")
    if kind.startswith("float"):
        try:
            return float(value)
        except ValueError:
            raise InputError(f"caption {key} must be a number, not {value!r}") from None
    if value.lower() in ("none", "off", "") and "None" in kind:
        return None
    return value.lower() if key == "position" else value


@lru_cache(maxsize=8)
def font_family(path: Path) -> str:
    """The family name of the font at ``path`` ("DejaVu Sans"), for ASS styles."""
    from PIL import ImageFont

    try:
        family, _ = ImageFont.truetype(str(path), 12).getname()
    except OSError as exc:
        raise InputError(f"cannot read caption font {path}: {exc}") from exc
    return family or path.stem


def rgb(colour: str) -> tuple[int, int, int]:
    """``"#rrggbb"`` → (r, g, b)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
