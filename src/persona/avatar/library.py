"""Making saved avatars and opening any avatar reference for a render.

An avatar reference, as the CLI and API take it, is one of:

* ``av_…`` or ``av_…@N`` — a saved avatar (its latest version, or version ``N``);
* ``template:NAME`` — a ready illustrated avatar;
* a path to a creator ``.json`` spec, or to a portrait photo.

:func:`create_photo_avatar` grades the photo first (:mod:`persona.avatar.quality`) and
refuses one that fails or shows several people, so a saved avatar always renders.
A saved avatar made under a consent opens only while that consent holds
(:func:`check_avatar_consent`): revoking it stops every new render, CLI and service alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from persona.avatar.background import Background, ImageBackground, load_background
from persona.avatar.framing import DEFAULT_SHOT
from persona.avatar.image import load_image
from persona.avatar.photo import PhotoAvatar
from persona.avatar.quality import PhotoReport, check_photo
from persona.avatar.store import AvatarRecord, AvatarStore, parse_ref
from persona.errors import ConsentError, ImageError, InputError, NoFaceError

if TYPE_CHECKING:
    from persona.avatar.base import Avatar
    from persona.avatar.creator.spec import AvatarSpec

Warn = Callable[[str], None]


class PhotoRejectedError(ImageError):
    """The photo failed its quality report; the message lists what failed and why."""

    def __init__(self, message: str, report: PhotoReport) -> None:
        super().__init__(message)
        self.report = report


def create_photo_avatar(
    photo: str | Path,
    name: str | None = None,
    *,
    background: str | None = None,
    consent_id: str | None = None,
    owner: str | None = None,
    store: AvatarStore | None = None,
) -> tuple[AvatarRecord, PhotoReport]:
    """Grade ``photo`` and save it as a new photo avatar; return the record and report.

    ``background`` (``#rrggbb``, ``blur``, ``blur:SIGMA``; pictures are stored with the
    avatar) is kept in the version and applied whenever the avatar renders.
    """
    path = Path(photo)
    image = load_image(path)
    report = check_photo(image)
    _refuse(report, path)
    files = {"photo": path}
    source: dict[str, str] = {}
    if background is not None:
        parsed = load_background(background)  # a bad description fails before saving
        if isinstance(parsed, ImageBackground):
            files["background_image"] = Path(background)
        else:
            source["background"] = background
    record = (store or AvatarStore()).create(
        name=name or path.stem,
        kind="photo",
        source=source,
        files=files,
        consent_id=consent_id,
        owner=owner,
        meta={"report": report.as_dict()},
    )
    return record, report


def _refuse(report: PhotoReport, path: Path) -> None:
    faces = report.check("faces")
    if faces.value == 0:
        raise NoFaceError(f"no face found in {path.name}: {faces.advice}")
    if faces.status != "pass":
        raise PhotoRejectedError(
            f"{faces.value} faces in {path.name}: crop the photo to the one person", report
        )
    failed = [c for c in report.checks if c.status == "fail"]
    if failed:
        reasons = "; ".join(f"{c.name}: {c.advice}" for c in failed)
        raise PhotoRejectedError(f"{path.name} is not usable as an avatar — {reasons}", report)


def photo_background(store: AvatarStore, record: AvatarRecord, version: int | None) -> str | None:
    """The background description of a saved photo avatar's version, as a render takes it."""
    source = record.version(version).source
    if "background_image" in source:
        return str(store.file(record, source["background_image"]))
    background = source.get("background")
    return str(background) if background is not None else None


# ---------------------------------------------------------------------------- illustrated


def create_creator_avatar(
    *,
    template: str | None = None,
    spec_path: str | Path | None = None,
    spec: AvatarSpec | None = None,
    name: str | None = None,
    owner: str | None = None,
    store: AvatarStore | None = None,
) -> AvatarRecord:
    """Save an illustrated avatar from a template or a spec ``.json`` as version 1;
    ``spec`` (a customized template) replaces the template's own spec."""
    from persona.avatar.creator.spec import read_spec
    from persona.avatar.creator.templates import get_template

    if (template is None) == (spec_path is None):
        raise InputError("give either a template name or a spec file")
    if template is not None:
        template_spec = get_template(template).spec
        origin = f"template:{template}"
        if spec is None:
            spec = template_spec
        elif spec != template_spec:
            origin += " (customized)"
    else:
        spec = read_spec(str(spec_path))
        origin = Path(str(spec_path)).name
    return (store or AvatarStore()).create(
        name=name or spec.name,
        kind="creator",
        source={"spec": spec.to_dict(), "origin": origin},
        owner=owner,
    )


def edit_creator_avatar(
    avatar_id: str, settings: Sequence[str], *, store: AvatarStore | None = None
) -> AvatarRecord:
    """Apply ``field.path=value`` settings to the latest spec and save a new version.

    The edited spec is validated as a whole first, so a bad value saves nothing.
    """
    from persona.avatar.creator.spec import AvatarSpec

    store = store or AvatarStore()
    record = store.get(avatar_id)
    if record.kind != "creator":
        raise InputError(
            f"avatar {avatar_id} is a {record.kind} avatar; only illustrated ones edit"
        )
    if not settings:
        raise InputError("nothing to change: give one or more --set field=value")
    data = json.loads(json.dumps(record.latest.source["spec"]))
    for setting in settings:
        _set_path(data, setting)
    spec = AvatarSpec.from_dict(data)  # raises SpecError naming the field
    source = {**record.latest.source, "spec": spec.to_dict()}
    return store.add_version(avatar_id, source, note="set " + ", ".join(settings))


def _set_path(data: dict[str, Any], setting: str) -> None:
    path, sep, raw = setting.partition("=")
    keys = [k for k in path.strip().split(".") if k]
    if not sep or not keys:
        raise InputError(
            f"bad setting {setting!r}: write field.path=value, e.g. hair.colour=#2a1b10"
        )
    node: Any = data
    for key in keys[:-1]:
        if not isinstance(node, dict) or key not in node:
            raise InputError(f"bad setting {setting!r}: the spec has no field {path.strip()!r}")
        node = node[key]
    if not isinstance(node, dict) or keys[-1] not in node:
        raise InputError(f"bad setting {setting!r}: the spec has no field {path.strip()!r}")
    node[keys[-1]] = _value(raw.strip(), node[keys[-1]])


def _value(raw: str, current: Any) -> Any:
    """Read ``raw`` as the same kind of value the field holds now."""
    if isinstance(current, bool):
        if raw.lower() in ("true", "yes", "on", "1"):
            return True
        if raw.lower() in ("false", "no", "off", "0"):
            return False
        return raw
    if isinstance(current, int | float | list):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw


# ---------------------------------------------------------------------------- opening


def open_saved_avatar(
    ref: str,
    width: int,
    height: int,
    *,
    fps: float = 25.0,
    warn: Warn | None = None,
    background: Background | None = None,
    shot: str = DEFAULT_SHOT,
    store: AvatarStore | None = None,
) -> Avatar:
    """The renderer for a saved avatar reference ``av_…`` or ``av_…@N``.

    A ``background`` given here replaces the one saved with a photo avatar.
    """
    parsed = parse_ref(ref)
    if parsed is None:
        raise InputError(f"{ref!r} is not a saved avatar reference (av_… or av_…@N)")
    store = store or AvatarStore()
    record = store.get(parsed[0])
    check_avatar_consent(record)
    version = record.version(parsed[1])
    source = version.source
    if record.kind == "video":
        from persona.avatar.video.train import open_video_avatar

        return open_video_avatar(
            record, width, height, version=version.version, store=store, fps=fps
        )
    if record.kind == "creator":
        from persona.avatar.base import creator_avatar
        from persona.avatar.creator.spec import AvatarSpec

        spec = AvatarSpec.from_dict(source["spec"])
        return creator_avatar(spec, width, height, fps=fps, warn=warn, background=background)
    if background is None:
        saved = photo_background(store, record, version.version)
        background = load_background(saved) if saved is not None else None
    photo = store.file(record, str(source["photo"]))
    return PhotoAvatar.from_path(photo, width, height, warn=warn, background=background, shot=shot)


def check_avatar_consent(record: AvatarRecord) -> None:
    """Raise :class:`~persona.errors.ConsentError` when ``record`` was made under a
    consent that is revoked or gone: a likeness renders only while its subject agrees.
    Avatars made without a consent record (illustrated ones) always pass."""
    from persona.consent import get_consent

    if not record.consent_id:
        return
    try:
        consent = get_consent(record.consent_id)
    except ConsentError as exc:
        raise ConsentError(f"avatar {record.id} ({record.name}) cannot be used: {exc}") from exc
    if consent.revoked:
        raise ConsentError(
            f"the consent for avatar {record.id} ({record.name}) was revoked on "
            f"{consent.revoked_at}: it can no longer be used for new videos"
        )


def resolved_ref(ref: str | Path, store: AvatarStore | None = None) -> str:
    """``av_…`` → ``av_…@N`` with the latest version: what a video records it used."""
    parsed = parse_ref(str(ref))
    if parsed is None:
        return str(ref)
    record = (store or AvatarStore()).get(parsed[0])
    return f"{record.id}@{record.version(parsed[1]).version}"
