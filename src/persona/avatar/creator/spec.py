"""What an illustrated avatar looks like, as plain data that round-trips through JSON.

An :class:`AvatarSpec` is a frozen tree of small parts (face, eyes, hair, clothing, ...).
Every part checks its own values when it is made, so a spec that exists can be drawn.
:meth:`AvatarSpec.from_dict` reads the JSON form strictly: an unknown key, a wrong type
or a value outside the allowed set raises :class:`SpecError` naming the field's full path
(``eyes.colour``), with a suggestion for a near miss. Missing keys take their defaults,
so a spec file lists only what differs from the default avatar.

Specs are hashable and :meth:`AvatarSpec.digest` names their content, so a store can
keep every edit as a new version and tell identical ones apart.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from persona.avatar.creator import palette
from persona.errors import InputError

SCHEMA = 1
"""Version of the JSON form. Readers accept this version and older ones."""

AGES = ("child", "teen", "adult", "senior")
BUILDS = ("narrow", "average", "broad")
FACE_SHAPES = ("oval", "round", "square", "heart", "long")
EYE_SHAPES = ("almond", "round", "narrow", "monolid", "hooded")
BROW_SHAPES = ("soft", "straight", "arched", "thick", "thin")
NOSE_SHAPES = ("button", "straight", "wide", "narrow", "long")
LIP_SHAPES = ("medium", "thin", "full")
HAIR_STYLES = (
    "short",
    "buzz",
    "side_part",
    "receding",
    "bald",
    "curly",
    "afro",
    "bob",
    "long",
    "wavy",
    "braids",
    "bun",
    "ponytail",
)
FACIAL_HAIR_STYLES = ("none", "stubble", "moustache", "goatee", "beard", "full_beard")
CLOTHING_STYLES = ("tshirt", "vneck", "shirt", "blazer", "hoodie", "sweater", "kurta", "saree")
GLASSES_STYLES = ("none", "round", "rectangle", "cat_eye")
EARRING_STYLES = ("none", "studs", "hoops", "drops")
HAT_STYLES = ("none", "cap", "beanie", "turban", "kufi")
HEADSCARF_STYLES = ("none", "hijab", "wrap")
BACKGROUND_STYLES = ("solid", "vertical", "radial")


class SpecError(InputError):
    """An avatar spec value that cannot be used; ``field`` is its dotted path."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"avatar spec: {field}: {reason}")
        self.field = field
        self.reason = reason


# ---------------------------------------------------------------------------- checks


def _choice(value: object, name: str, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str):
        raise SpecError(name, f"must be a string, one of: {', '.join(allowed)}")
    if value not in allowed:
        near = difflib.get_close_matches(value, allowed, n=1)
        hint = f" (did you mean {near[0]!r}?)" if near else ""
        raise SpecError(name, f"{value!r} is not one of: {', '.join(allowed)}{hint}")


def _colour(value: object, name: str, *palettes: dict[str, str], optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or palette.resolve(value, *palettes) is None:
        names = sorted({k for p in palettes for k in p})
        listed = f" or a name: {', '.join(names)}" if names else " or a colour name"
        raise SpecError(name, f"{value!r} is not a colour: use #rrggbb{listed}")


def _unit(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise SpecError(name, f"must be a number from 0 to 1, not {value!r}")


def _flag(value: object, name: str) -> None:
    if not isinstance(value, bool):
        raise SpecError(name, f"must be true or false, not {value!r}")


# ---------------------------------------------------------------------------- parts


@dataclass(frozen=True)
class Face:
    shape: str = "oval"
    skin: str = "monk4"  # a Monk Skin Tone name (monk1 .. monk10) or #rrggbb
    blush: float = 0.3  # 0 none .. 1 rosy cheeks
    freckles: bool = False

    def __post_init__(self) -> None:
        _choice(self.shape, "shape", FACE_SHAPES)
        _colour(self.skin, "skin", palette.SKIN)
        _unit(self.blush, "blush")
        _flag(self.freckles, "freckles")


@dataclass(frozen=True)
class Eyes:
    shape: str = "almond"
    colour: str = "brown"
    lashes: bool = False  # longer, darker upper lashes

    def __post_init__(self) -> None:
        _choice(self.shape, "shape", EYE_SHAPES)
        _colour(self.colour, "colour", palette.EYES)
        _flag(self.lashes, "lashes")


@dataclass(frozen=True)
class Brows:
    shape: str = "soft"
    colour: str | None = None  # None: a shade of the hair colour

    def __post_init__(self) -> None:
        _choice(self.shape, "shape", BROW_SHAPES)
        _colour(self.colour, "colour", palette.HAIR, optional=True)


@dataclass(frozen=True)
class Nose:
    shape: str = "button"

    def __post_init__(self) -> None:
        _choice(self.shape, "shape", NOSE_SHAPES)


@dataclass(frozen=True)
class Mouth:
    lips: str = "medium"
    colour: str | None = None  # None: a shade of the skin; set it for lipstick

    def __post_init__(self) -> None:
        _choice(self.lips, "lips", LIP_SHAPES)
        _colour(self.colour, "colour", optional=True)


@dataclass(frozen=True)
class Hair:
    style: str = "short"
    colour: str = "dark_brown"

    def __post_init__(self) -> None:
        _choice(self.style, "style", HAIR_STYLES)
        _colour(self.colour, "colour", palette.HAIR)


@dataclass(frozen=True)
class FacialHair:
    style: str = "none"
    colour: str | None = None  # None: the hair colour

    def __post_init__(self) -> None:
        _choice(self.style, "style", FACIAL_HAIR_STYLES)
        _colour(self.colour, "colour", palette.HAIR, optional=True)


@dataclass(frozen=True)
class Clothing:
    style: str = "tshirt"
    colour: str = "blue"
    accent: str = "white"  # the shirt under a blazer, a saree's border, trims

    def __post_init__(self) -> None:
        _choice(self.style, "style", CLOTHING_STYLES)
        _colour(self.colour, "colour")
        _colour(self.accent, "accent")


@dataclass(frozen=True)
class Accessories:
    glasses: str = "none"
    glasses_colour: str = "black"
    earrings: str = "none"
    earrings_colour: str = "gold"
    hat: str = "none"
    hat_colour: str = "navy"
    headscarf: str = "none"
    headscarf_colour: str = "teal"
    bindi: str | None = None  # a colour, or None for no bindi

    def __post_init__(self) -> None:
        _choice(self.glasses, "glasses", GLASSES_STYLES)
        _colour(self.glasses_colour, "glasses_colour")
        _choice(self.earrings, "earrings", EARRING_STYLES)
        _colour(self.earrings_colour, "earrings_colour")
        _choice(self.hat, "hat", HAT_STYLES)
        _colour(self.hat_colour, "hat_colour")
        _choice(self.headscarf, "headscarf", HEADSCARF_STYLES)
        _colour(self.headscarf_colour, "headscarf_colour")
        _colour(self.bindi, "bindi", optional=True)
        if self.hat != "none" and self.headscarf != "none":
            raise SpecError("hat", "choose a hat or a headscarf, not both")


@dataclass(frozen=True)
class Background:
    style: str = "vertical"  # solid, vertical (top → bottom gradient), radial (centre → edge)
    colours: tuple[str, ...] = ("#dfe9f3", "#aebfd3")

    def __post_init__(self) -> None:
        _choice(self.style, "style", BACKGROUND_STYLES)
        if not isinstance(self.colours, tuple) or not 1 <= len(self.colours) <= 2:
            raise SpecError("colours", "must be a list of one or two colours")
        for k, c in enumerate(self.colours):
            _colour(c, f"colours[{k}]")


@dataclass(frozen=True)
class AvatarSpec:
    """Everything that decides how an illustrated avatar looks."""

    name: str = "avatar"
    age: str = "adult"
    build: str = "average"
    face: Face = field(default_factory=Face)
    eyes: Eyes = field(default_factory=Eyes)
    brows: Brows = field(default_factory=Brows)
    nose: Nose = field(default_factory=Nose)
    mouth: Mouth = field(default_factory=Mouth)
    hair: Hair = field(default_factory=Hair)
    facial_hair: FacialHair = field(default_factory=FacialHair)
    clothing: Clothing = field(default_factory=Clothing)
    accessories: Accessories = field(default_factory=Accessories)
    background: Background = field(default_factory=Background)
    schema: int = SCHEMA

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not 0 < len(self.name.strip()) <= 80:
            raise SpecError("name", "must be a non-empty string of at most 80 characters")
        _choice(self.age, "age", AGES)
        _choice(self.build, "build", BUILDS)
        if isinstance(self.schema, bool) or not isinstance(self.schema, int):
            raise SpecError("schema", f"must be a whole number, not {self.schema!r}")
        if not 1 <= self.schema <= SCHEMA:
            raise SpecError(
                "schema", f"version {self.schema} is not supported (this version reads 1..{SCHEMA})"
            )

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: nested dicts, lists for the background colours."""
        data = asdict(self)
        data["background"]["colours"] = list(self.background.colours)
        return data

    @classmethod
    def from_dict(cls, data: object) -> AvatarSpec:
        """Read the JSON form; missing keys take their defaults. Raises :class:`SpecError`."""
        return _build(cls, data, "")

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> AvatarSpec:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError("(file)", f"not valid JSON: {exc}") from exc
        return cls.from_dict(data)

    def digest(self) -> str:
        """SHA-256 of the canonical JSON form: equal specs, equal digests."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------- reading

T = TypeVar("T")


def _build(cls: type[T], data: object, path: str) -> T:
    """Make ``cls`` from a JSON object, checking keys, nested parts and values."""
    where = path or "(top level)"
    if not isinstance(data, Mapping):
        raise SpecError(where, f"must be a JSON object, not {type(data).__name__}")
    assert is_dataclass(cls)
    known = {f.name: f for f in fields(cls)}
    for key in data:
        if key not in known:
            near = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise SpecError(_join(path, str(key)), f"unknown field{hint}")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        kind = _PART_TYPES.get((cls.__name__, name))
        if kind is not None:
            kwargs[name] = _build(kind, value, _join(path, name))
        else:
            kwargs[name] = _CONVERT.get((cls.__name__, name), _same)(value)
    try:
        return cls(**kwargs)
    except SpecError as exc:
        raise SpecError(_join(path, exc.field), exc.reason) from None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _same(value: object) -> object:
    return value


def _as_tuple(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


_PART_TYPES: dict[tuple[str, str], type] = {
    ("AvatarSpec", "face"): Face,
    ("AvatarSpec", "eyes"): Eyes,
    ("AvatarSpec", "brows"): Brows,
    ("AvatarSpec", "nose"): Nose,
    ("AvatarSpec", "mouth"): Mouth,
    ("AvatarSpec", "hair"): Hair,
    ("AvatarSpec", "facial_hair"): FacialHair,
    ("AvatarSpec", "clothing"): Clothing,
    ("AvatarSpec", "accessories"): Accessories,
    ("AvatarSpec", "background"): Background,
}
_CONVERT: dict[tuple[str, str], Callable[[object], object]] = {
    ("Background", "colours"): _as_tuple,
}


def allowed_values() -> dict[str, tuple[str, ...]]:
    """Each choice field's dotted path and its allowed values (for docs and UIs)."""
    return {
        "age": AGES,
        "build": BUILDS,
        "face.shape": FACE_SHAPES,
        "eyes.shape": EYE_SHAPES,
        "brows.shape": BROW_SHAPES,
        "nose.shape": NOSE_SHAPES,
        "mouth.lips": LIP_SHAPES,
        "hair.style": HAIR_STYLES,
        "facial_hair.style": FACIAL_HAIR_STYLES,
        "clothing.style": CLOTHING_STYLES,
        "accessories.glasses": GLASSES_STYLES,
        "accessories.earrings": EARRING_STYLES,
        "accessories.hat": HAT_STYLES,
        "accessories.headscarf": HEADSCARF_STYLES,
        "background.style": BACKGROUND_STYLES,
    }


def read_spec(path: str | Path) -> AvatarSpec:
    """Read a spec file (JSON). Raises :class:`SpecError` naming the file or the field."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError("(file)", f"cannot read {path}: {exc}") from exc
    try:
        return AvatarSpec.from_json(text)
    except SpecError as exc:
        raise SpecError(exc.field, f"{exc.reason} (in {path})") from None
