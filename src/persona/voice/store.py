"""Saved voices: voices matched to a person's sample, one JSON file each.

    data_dir() / "voices" / <id>.json   the voice, its consent, the sample's figures

A :class:`SavedVoice` keeps everything needed to speak again (the
:class:`~persona.voice.base.Voice`: engine, model, transform, rate) and everything needed
to account for it: the consent record it was made under, the matcher and base voice,
what the sample was (file name, SHA-256, length) and what was measured on it. Files are
written atomically, so a voice is saved whole or not at all.

A saved voice is only usable while its consent holds: :func:`usable_voice` (what
:func:`persona.voice.get_voice` calls) raises :class:`~persona.errors.ConsentError`
once the consent is revoked or gone.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from persona.consent import check_usable, get_consent
from persona.errors import ConsentError, InputError, UnknownVoiceError
from persona.paths import data_dir, write_json_atomic
from persona.voice.base import Voice

FOLDER = "voices"
SCHEMA = 1
VOICE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
"""What a saved voice's id looks like (it names a file)."""


@dataclass(frozen=True)
class SavedVoice:
    """A matched voice with its provenance (see the module doc).

    ``sample`` holds ``file``, ``sha256``, ``duration_s`` and ``sample_rate`` of the
    recording it was matched to; ``figures`` what the matcher measured (Hz, semitones,
    ratios; the keys depend on the matcher). ``created_at`` is UTC ISO-8601.
    """

    voice: Voice
    consent_id: str
    matcher: str
    base_voice: str
    created_at: str
    sample: Mapping[str, Any] = field(default_factory=dict)
    figures: Mapping[str, float] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.voice.id

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "voice": self.voice.to_dict(),
            "consent_id": self.consent_id,
            "matcher": self.matcher,
            "base_voice": self.base_voice,
            "created_at": self.created_at,
            "sample": dict(self.sample),
            "figures": dict(self.figures),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SavedVoice:
        """The voice :meth:`to_dict` wrote; :class:`~persona.errors.InputError` if not one."""
        texts = ("consent_id", "matcher", "base_voice", "created_at")
        missing = [name for name in texts if not isinstance(data.get(name), str)]
        if missing or not isinstance(data.get("voice"), Mapping):
            raise InputError(f"not a saved voice: {', '.join(missing) or 'voice'} missing")
        try:
            figures = {str(k): float(v) for k, v in dict(data.get("figures", {})).items()}
        except (TypeError, ValueError) as exc:
            raise InputError(f"not a saved voice: figures must be numbers ({exc})") from exc
        return cls(
            voice=Voice.from_dict(data["voice"]),
            sample=dict(data.get("sample", {})),
            figures=figures,
            **{name: data[name] for name in texts},
        )


def folder() -> Path:
    return data_dir() / FOLDER


def _path(voice_id: str) -> Path:
    return folder() / f"{voice_id}.json"


def is_saved_id(voice_id: str) -> bool:
    """Whether ``voice_id`` could name a saved voice (it is safe as a file name)."""
    return bool(VOICE_ID.match(voice_id))


def save_voice(saved: SavedVoice) -> Path:
    """Store ``saved`` (replacing a voice of the same id) and return its file."""
    if not is_saved_id(saved.id):
        raise InputError(f"{saved.id!r} cannot name a saved voice: use a-z, 0-9, - and _")
    path = _path(saved.id)
    write_json_atomic(path, saved.to_dict())
    return path


def find_saved(voice_id: str) -> SavedVoice | None:
    """The saved voice ``voice_id``, or None when there is none.

    A file that exists but does not hold a voice raises
    :class:`~persona.errors.InputError` naming it.
    """
    if not is_saved_id(voice_id):
        return None
    path = _path(voice_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise InputError(f"saved voice {voice_id!r} is unreadable ({path}): {exc}") from exc
    if not isinstance(data, Mapping):
        raise InputError(f"saved voice {voice_id!r} is unreadable ({path}): not an object")
    return SavedVoice.from_dict(data)


def load_saved(voice_id: str) -> SavedVoice:
    """:func:`find_saved`, raising :class:`~persona.errors.UnknownVoiceError` for none."""
    saved = find_saved(voice_id)
    if saved is None:
        raise UnknownVoiceError(
            f"no saved voice {voice_id!r}: `persona voices list` shows the matched voices"
        )
    return saved


def usable_voice(voice_id: str) -> Voice | None:
    """The saved voice ``voice_id`` ready to speak, or None when there is none.

    Raises :class:`~persona.errors.ConsentError` when its consent was revoked or its
    consent record is gone: a voice made from a person speaks only while they agree.
    """
    saved = find_saved(voice_id)
    if saved is None:
        return None
    try:
        check_usable(get_consent(saved.consent_id), "voice")
    except ConsentError as exc:
        raise ConsentError(f"the voice {voice_id!r} cannot be used: {exc}") from exc
    return saved.voice


def list_saved() -> tuple[SavedVoice, ...]:
    """Every readable saved voice, oldest first (unreadable files are left out)."""
    if not folder().is_dir():
        return ()
    found: list[SavedVoice] = []
    for path in folder().glob("*.json"):
        with contextlib.suppress(InputError):
            saved = find_saved(path.stem)
            if saved is not None:
                found.append(saved)
    return tuple(sorted(found, key=lambda s: (s.created_at, s.id)))


def delete_saved(voice_id: str) -> SavedVoice:
    """Remove the saved voice ``voice_id`` and return what it was. Its consent record
    stays (it documents what was allowed); revoke that separately."""
    saved = load_saved(voice_id)
    try:
        _path(saved.id).unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise InputError(f"cannot delete voice {voice_id!r}: {exc.strerror or exc}") from exc
    return saved
