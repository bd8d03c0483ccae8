"""Who may leave the visible "AI-generated" label off a video.

The label stays on unless the video shows the person asking for it to go, and that
person's consent is on file: the avatar is a saved **photo or video** avatar, its
consent record (:mod:`persona.consent`) is of kind ``avatar``, still holds, and names
the same person as ``subject`` (who is shown) and ``uploader`` (who made the avatar),
and that person is the ``requester`` (one name, or several for one person: the
service passes a user's e-mail address and display name). Templates and illustrated
avatars are nobody's likeness, and an unsaved photo has no consent record: their
videos keep the label.

One rule for every caller: the command line passes the user at the command line
(``$PERSONA_USER``, else the operating-system user: the uploader it writes into consent
records) as the requester, the service the signed-in user (see docs/responsible-ai.md).

    label_removal_refusal(avatar, consents, requester) → None | why not
    may_remove_label(...) → bool        require_label_removal(...) → raises LabelRemovalError
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from persona.avatar.store import AvatarRecord
from persona.consent import ConsentRecord
from persona.errors import ConsentError

LIKENESS_KINDS = ("photo", "video")


class LabelRemovalError(ConsentError):
    """The AI-generated label may not be turned off for this avatar and requester."""


def label_removal_refusal(
    avatar: AvatarRecord | str | Path,
    consent_records: Iterable[ConsentRecord],
    requester: str | Sequence[str],
) -> str | None:
    """Why the label must stay on a video of ``avatar`` made by ``requester``, or
    None when it may go. ``avatar`` is a saved avatar's record; anything else (a
    template, a spec or a photo's path) is refused."""
    if not isinstance(avatar, AvatarRecord):
        return (
            f"avatar {str(avatar)!r} is not a saved photo or video avatar with a consent "
            "record: only a video of your own likeness may leave the label off"
        )
    if avatar.kind not in LIKENESS_KINDS:
        return f"avatar {avatar.id} is a {avatar.kind} avatar, not a real person's likeness"
    if not avatar.consent_id:
        return f"avatar {avatar.id} has no consent record on file"
    record = next((r for r in consent_records if r.id == avatar.consent_id), None)
    if record is None:
        return f"avatar {avatar.id}'s consent record {avatar.consent_id} is not on file"
    if record.kind != "avatar" or record.revoked:
        state = "was revoked" if record.revoked else f"covers {record.kind!r} use"
        return f"consent {record.id} {state}: it does not cover this avatar"
    names = [requester] if isinstance(requester, str) else list(requester)
    if not any(_same(record.uploader, n) for n in names):
        return (
            f"avatar {avatar.id} was uploaded by {record.uploader!r}, not the requester "
            f"{' / '.join(names)!r}: only a video of your own likeness may leave the label off"
        )
    if not any(_same(record.subject, n) for n in [record.uploader, *names]):
        return (
            f"avatar {avatar.id} shows {record.subject!r} but was uploaded by "
            f"{record.uploader!r}: only a video of your own likeness may leave the label off"
        )
    return None


def may_remove_label(
    avatar: AvatarRecord | str | Path,
    consent_records: Iterable[ConsentRecord],
    requester: str | Sequence[str],
) -> bool:
    """Whether ``requester`` may render ``avatar`` without the AI-generated label."""
    return label_removal_refusal(avatar, consent_records, requester) is None


def require_label_removal(
    avatar: AvatarRecord | str | Path,
    consent_records: Iterable[ConsentRecord],
    requester: str | Sequence[str],
) -> None:
    """Raise :class:`LabelRemovalError` (saying why) unless the label may go."""
    why = label_removal_refusal(avatar, consent_records, requester)
    if why is not None:
        raise LabelRemovalError(f"the AI-generated label cannot be turned off: {why}")


def saved_avatar(ref: str | Path) -> AvatarRecord | str | Path:
    """The saved avatar's record when ``ref`` names one (``av_…`` or ``av_…@N``),
    else ``ref`` itself."""
    from persona.avatar.store import AvatarStore, parse_ref

    parsed = parse_ref(str(ref))
    return AvatarStore().get(parsed[0]) if parsed is not None else ref


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold() and bool(a.strip())
