"""Scene file (YAML or JSON) → :class:`~persona.scene.model.SceneSpec`, checked strictly.

Every mistake is an :class:`~persona.errors.InputError` that names the key: unknown keys,
a speaker without an avatar, an avatar file that is not there, an unknown voice,
template or layout, fewer than 2 or more than 4 speakers, a bad colour or size. Paths
in the file are relative to the file's folder. ``docs/scenes.md`` shows every key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from persona.compose.layouts import check_speaker_count, layout_name
from persona.compose.overlays import CORNERS
from persona.errors import InputError
from persona.scene.model import BackgroundSpec, LogoSpec, SceneSpec, Speaker, TitleSpec

SCENE_KEYS = (
    "title", "subtitle", "layout", "host", "size", "fps", "background", "logo", "speakers",
    "lower_thirds", "active_ring", "transition", "lang", "seed",
)  # fmt: skip
SPEAKER_KEYS = (
    "id",
    "avatar",
    "voice",
    "name",
    "title",
    "pitch",
    "speed",
    "emotion",
    "colour",
    "color",
)
ACCENTS = ("#f0a030", "#30c0b0", "#e05090", "#a0d040")
"""Default accent colours of speakers 1-4 (lower thirds, the active ring)."""
MAX_TITLE_S = 10.0
MAX_FADE_MS = 1000


def load_scene(path: str | Path) -> SceneSpec:
    """Read and check a scene file (``.yaml``, ``.yml`` or ``.json``)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"scene file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read scene file {path}: {exc}") from exc
    return scene_from_dict(_parse(text, path), path.resolve().parent)


def _parse(text: str, path: Path) -> Mapping[str, Any]:
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"scene file {path.name} is not valid JSON: {exc}") from exc
    else:
        import yaml

        try:
            data = yaml.load(text, Loader=_loader())  # a SafeLoader: no Python objects
        except yaml.YAMLError as exc:
            raise InputError(f"scene file {path.name} is not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping):
        raise InputError(f"scene file {path.name} must hold a mapping of keys (title, speakers, …)")
    return data


def _loader() -> type:
    """YAML's safe loader, reading ``9:16`` or ``10:30`` as text (YAML 1.1 reads such
    plain scalars as base-60 numbers)."""
    import yaml

    class Loader(yaml.SafeLoader):
        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            if kind is yaml.ScalarNode and implicit[0] and ":" in value:
                return "tag:yaml.org,2002:str"
            return str(super().resolve(kind, value, implicit))

    return Loader


def scene_from_dict(data: Mapping[str, Any], folder: Path) -> SceneSpec:
    """A checked :class:`SceneSpec` from a scene file's contents; paths relative to ``folder``."""
    _known(data, SCENE_KEYS, "the scene file")
    speakers = _speakers(data.get("speakers"), folder)
    layout_value = data.get("layout", "split")
    host_value = data.get("host")
    if isinstance(layout_value, Mapping):
        _known(layout_value, ("name", "host"), "layout")
        host_value = layout_value.get("host", host_value)
        layout_value = layout_value.get("name", "split")
    layout = layout_name(_text(layout_value, "layout"))
    check_speaker_count(layout, len(speakers))
    width, height = _size(data.get("size", "1280x720"))
    fade_ms = _transition(data.get("transition", "cut"))
    return SceneSpec(
        speakers=speakers,
        layout=layout,
        host=_host(host_value, speakers),
        width=width,
        height=height,
        fps=_fps(data.get("fps", 25)),
        background=_background(data.get("background", "#1b2030"), folder),
        logo=_logo(data.get("logo"), folder),
        title=_title(data.get("title"), data.get("subtitle")),
        lower_thirds=_flag(data.get("lower_thirds", True), "lower_thirds"),
        active_ring=_flag(data.get("active_ring", True), "active_ring"),
        transition="fade" if fade_ms else "cut",
        fade_ms=fade_ms or SceneSpec.fade_ms,
        lang=None if data.get("lang") is None else _text(data["lang"], "lang"),
        seed=_integer(data.get("seed", 0), "seed"),
    )


# ---------------------------------------------------------------------------- speakers


def _speakers(value: Any, folder: Path) -> tuple[Speaker, ...]:
    if value is None:
        raise InputError("the scene file has no speakers: add a 'speakers' mapping")
    if isinstance(value, Mapping):
        entries = [(str(key), entry) for key, entry in value.items()]
    elif isinstance(value, list):
        entries = [(str(e.get("id", "")) if isinstance(e, Mapping) else "", e) for e in value]
    else:
        raise InputError("'speakers' must be a mapping of id → settings (or a list)")
    speakers = tuple(_speaker(key, entry, k, folder) for k, (key, entry) in enumerate(entries))
    seen: dict[str, str] = {}
    for s in speakers:
        for handle in s.handles:
            if handle in seen and seen[handle] != s.id:
                raise InputError(f"speakers {seen[handle]} and {s.id} are both called {handle!r}")
            seen[handle] = s.id
    return speakers


def _speaker(key: str, entry: Any, index: int, folder: Path) -> Speaker:
    where = f"speaker {key or index + 1}"
    if not key.strip():
        raise InputError(f"speaker {index + 1} has no id")
    if isinstance(entry, str):
        entry = {"avatar": entry}
    if not isinstance(entry, Mapping):
        raise InputError(f"{where}: expected a mapping with avatar, voice, name, title")
    _known(entry, SPEAKER_KEYS, where)
    if entry.get("avatar") in (None, ""):
        raise InputError(
            f"{where} has no avatar: give a photo, template:NAME, a spec .json or av_…"
        )
    name = _text(entry.get("name", key), f"{where}: name")
    colour = entry.get("colour", entry.get("color", ACCENTS[index % len(ACCENTS)]))
    return Speaker(
        id=key.strip(),
        name=name,
        avatar=_avatar(_text(entry["avatar"], f"{where}: avatar"), folder, where),
        voice=_voice(entry.get("voice"), where),
        title=_text(entry.get("title", ""), f"{where}: title"),
        pitch=_number(entry.get("pitch", 0.0), f"{where}: pitch", -12.0, 12.0),
        speed=_number(entry.get("speed", 1.0), f"{where}: speed", 0.5, 2.0),
        emotion=_emotion(entry.get("emotion", "neutral"), where),
        colour=_colour(colour, f"{where}: colour"),
    )


def _avatar(ref: str, folder: Path, where: str) -> str:
    """The avatar reference with a file's path made absolute; checked to exist."""
    from persona.avatar.base import TEMPLATE_PREFIX
    from persona.avatar.store import parse_ref

    try:
        if parse_ref(ref) is not None:
            from persona.avatar.library import resolved_ref

            return resolved_ref(ref)
        if ref.startswith(TEMPLATE_PREFIX):
            from persona.avatar.creator.templates import get_template

            get_template(ref[len(TEMPLATE_PREFIX) :])
            return ref
        path = (folder / Path(ref).expanduser()).resolve()
        if not path.is_file():
            raise InputError(f"avatar file not found: {ref} (looked for {path})")
        if path.suffix.lower() == ".json":
            from persona.avatar.creator.spec import read_spec

            read_spec(path)
        return str(path)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def _voice(value: Any, where: str) -> str | None:
    if value is None:
        return None
    from persona.voice import get_voice

    voice = _text(value, f"{where}: voice")
    try:
        return get_voice(voice, None).id
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def _emotion(value: Any, where: str) -> str:
    from persona.voice.prosody import EMOTIONS

    name = _text(value, f"{where}: emotion").lower()
    if name not in EMOTIONS:
        raise InputError(f"{where}: unknown emotion {value!r}: choose one of {', '.join(EMOTIONS)}")
    return name


def _host(value: Any, speakers: tuple[Speaker, ...]) -> int:
    if value is None:
        return 0
    text = _text(value, "host").lower()
    for k, s in enumerate(speakers):
        if text in s.handles:
            return k
    raise InputError(
        f"host {value!r} is not one of the speakers ({', '.join(s.id for s in speakers)})"
    )


# ---------------------------------------------------------------------------- look


def _background(value: Any, folder: Path) -> BackgroundSpec:
    if isinstance(value, str):
        if value.strip().startswith("#"):
            return BackgroundSpec("colour", (_colour(value, "background"),))
        value = {"image": value}
    if not isinstance(value, Mapping) or (len(value) != 1 and "period" not in value):
        raise InputError(
            "background must be a colour '#rrggbb', a picture, {gradient: [colours]} "
            "or {video: file}"
        )
    _known(value, ("colour", "color", "image", "gradient", "video", "period"), "background")
    if "gradient" in value:
        colours = value["gradient"]
        if not isinstance(colours, list) or not 2 <= len(colours) <= 6:
            raise InputError("background: a gradient needs a list of 2 to 6 colours")
        period = _number(value.get("period", 24.0), "background: period", 0.0, 600.0)
        return BackgroundSpec(
            "gradient", tuple(_colour(c, "background") for c in colours), period_s=period
        )
    for kind in ("image", "video"):
        if kind in value:
            path = (folder / Path(_text(value[kind], f"background: {kind}")).expanduser()).resolve()
            if not path.is_file():
                raise InputError(f"background {kind} not found: {value[kind]} (looked for {path})")
            return BackgroundSpec(kind, path=path)
    colour = value.get("colour", value.get("color"))
    return BackgroundSpec("colour", (_colour(colour, "background"),))


def _logo(value: Any, folder: Path) -> LogoSpec | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"image": value}
    if not isinstance(value, Mapping) or "image" not in value:
        raise InputError("logo must be a picture's path or {image: file, corner, size, opacity}")
    _known(value, ("image", "corner", "size", "opacity"), "logo")
    path = (folder / Path(_text(value["image"], "logo: image")).expanduser()).resolve()
    if not path.is_file():
        raise InputError(f"logo not found: {value['image']} (looked for {path})")
    corner = _text(value.get("corner", LogoSpec.corner), "logo: corner").lower()
    if corner not in CORNERS:
        raise InputError(f"logo: corner must be one of {', '.join(CORNERS)}, not {corner!r}")
    return LogoSpec(
        path,
        corner,
        _number(value.get("size", 0.09), "logo: size", 0.02, 0.5),
        _number(value.get("opacity", 0.85), "logo: opacity", 0.0, 1.0),
    )


def _title(value: Any, subtitle: Any) -> TitleSpec | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"text": value}
    if not isinstance(value, Mapping) or "text" not in value:
        raise InputError("title must be a text or {text, subtitle, duration}")
    _known(value, ("text", "subtitle", "duration"), "title")
    seconds = _number(value.get("duration", 3.0), "title: duration", 0.0, MAX_TITLE_S)
    sub = value.get("subtitle", subtitle if subtitle is not None else "")
    return TitleSpec(_text(value["text"], "title"), _text(sub, "subtitle"), round(seconds * 1000))


def _transition(value: Any) -> int:
    """0 for plain cuts, else the cross-fade's length in ms."""
    if value in ("cut", None):
        return 0
    if value == "fade":
        return SceneSpec.fade_ms
    if isinstance(value, Mapping) and set(value) == {"fade"}:
        return round(_number(value["fade"], "transition: fade", 0.04, MAX_FADE_MS / 1000) * 1000)
    raise InputError("transition must be cut, fade or {fade: SECONDS}")


# ---------------------------------------------------------------------------- values


def _known(data: Mapping[str, Any], keys: tuple[str, ...], where: str) -> None:
    unknown = [str(k) for k in data if k not in keys]
    if unknown:
        raise InputError(f"unknown key {unknown[0]!r} in {where}; known keys: {', '.join(keys)}")


def _text(value: Any, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(f"{where} must be text, not {value!r}")
    return str(value).strip()


def _number(value: Any, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{where} must be a number, not {value!r}")
    if not low <= float(value) <= high:
        raise InputError(f"{where} must be between {low:g} and {high:g}, not {value}")
    return float(value)


def _integer(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{where} must be a whole number, not {value!r}")
    return value


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{where} must be true or false, not {value!r}")
    return value


def _colour(value: Any, where: str) -> tuple[int, int, int]:
    from persona.avatar.background import ColourBackground, parse_background

    text = _text(value, where)
    try:
        parsed = parse_background(text) if text.startswith("#") else None
    except InputError:
        parsed = None
    if not isinstance(parsed, ColourBackground):
        raise InputError(f"{where}: not a colour {text!r} (use #rrggbb)")
    b, g, r = parsed.bgr
    return (b, g, r)


def _size(value: Any) -> tuple[int, int]:
    import argparse

    from persona.cli import parse_size

    try:
        return parse_size(_text(value, "size"))
    except argparse.ArgumentTypeError as exc:
        raise InputError(f"size: {exc}") from exc


def _fps(value: Any) -> int:
    fps = _integer(value, "fps")
    if fps not in (24, 25, 30, 50, 60):
        raise InputError(f"fps must be 24, 25, 30, 50 or 60, not {fps}")
    return fps
