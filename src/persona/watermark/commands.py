"""The label's command-line options, shared by ``persona render``, ``persona demo``
(and ``render --audio``) and ``persona scene``::

    --ai-label POSITION      top-left, top-right, bottom-left, bottom-right (default)
    --ai-label-opacity X     0.1..1 (default 0.8)
    --no-ai-label            only for a video of your own likeness, consent on file

``--no-ai-label`` is checked before any work (:func:`marks_from_args`): the requester is
the user at the command line (``$PERSONA_USER``, else the operating-system user), the
default uploader of consent records made here (:func:`persona.consent.default_uploader`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from persona.watermark.options import (
    DEFAULT_OPACITY,
    DEFAULT_POSITION,
    POSITIONS,
    LabelOptions,
    Marks,
)


def add_label_arguments(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("AI-generated label")
    group.add_argument(
        "--ai-label",
        default=DEFAULT_POSITION,
        choices=POSITIONS,
        metavar="POSITION",
        help=f"corner of the visible AI-generated label: {', '.join(POSITIONS)} "
        f"(default {DEFAULT_POSITION}, kept clear of captions)",
    )
    group.add_argument(
        "--ai-label-opacity",
        type=float,
        default=DEFAULT_OPACITY,
        metavar="X",
        help=f"the label's opacity, 0.1..1 (default {DEFAULT_OPACITY})",
    )
    group.add_argument(
        "--no-ai-label",
        action="store_true",
        help="leave the label off: only for a saved photo or video avatar of yourself, "
        "with your consent on file (the invisible watermark stays)",
    )


def marks_from_args(args: argparse.Namespace, avatars: Sequence[str | Path]) -> Marks:
    """The marks the options ask for; :class:`~persona.watermark.policy.
    LabelRemovalError` when ``--no-ai-label`` is given for an avatar (of ``avatars``)
    that is not the requester's own likeness."""
    if getattr(args, "no_ai_label", False):
        from persona.consent import default_uploader, list_consents
        from persona.watermark.policy import require_label_removal, saved_avatar

        consents = list_consents("avatar")
        requester = default_uploader()
        for avatar in avatars:
            require_label_removal(saved_avatar(avatar), consents, requester)
        return Marks(label=None)
    position = getattr(args, "ai_label", DEFAULT_POSITION)
    return Marks(label=LabelOptions(position, getattr(args, "ai_label_opacity", DEFAULT_OPACITY)))
