"""What a render asks of the marks: the visible label's settings and the video's id.

Plain data, cheap to import: the pipeline's :class:`~persona.pipeline.Finishing`
carries a :class:`Marks`, and :func:`persona.watermark.filters.mark_filters` turns it
into frame filters when the frames are drawn.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from persona.errors import InputError

POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right")
DEFAULT_POSITION = "bottom-right"
DEFAULT_OPACITY = 0.8
LABEL_TEXT = "AI-generated"


@dataclass(frozen=True)
class LabelOptions:
    """The visible "AI-generated" badge: which corner, and how opaque (0.1..1)."""

    position: str = DEFAULT_POSITION
    opacity: float = DEFAULT_OPACITY

    def __post_init__(self) -> None:
        if self.position not in POSITIONS:
            raise InputError(
                f"AI label position must be one of {', '.join(POSITIONS)}, not {self.position!r}"
            )
        if not 0.1 <= self.opacity <= 1.0:
            raise InputError(f"AI label opacity must be between 0.1 and 1, not {self.opacity}")


@dataclass(frozen=True)
class Marks:
    """The marks of one video. ``label`` None leaves the visible label off (only after
    :func:`~persona.watermark.policy.require_label_removal` allowed it); the invisible
    watermark is always embedded, carrying ``video_id`` (a fresh id when None)."""

    label: LabelOptions | None = field(default_factory=LabelOptions)
    video_id: str | None = None


def new_video_id() -> str:
    """A fresh video id, ``vid_`` and 16 hex digits."""
    return f"vid_{secrets.token_hex(8)}"
