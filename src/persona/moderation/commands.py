"""Moderation in the CLI: ``persona render --moderation block|review|off``.

The CLI has no reviewer, so ``review`` refuses a flagged script just as ``block`` does,
with the findings in the message (exit code 2); ``--moderation off`` renders it anyway.
Without the flag, ``PERSONA_MODERATION`` decides (default ``block``). Findings below the
threshold (``PERSONA_MODERATION_MIN_SEVERITY``, default ``medium``) are printed as
warnings. Avatars and voices named after a public figure get a warning.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from persona.moderation.figures import figure_warning, match_public_figure
from persona.moderation.policy import Mode, ModerationError, Policy, enforce

Warn = Callable[[str], None]


def add_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--moderation",
        default=None,
        choices=[m.value for m in Mode],
        help="screen the script for profanity, slurs and threats: block (refuse), review "
        "(refuse: the CLI has no reviewer) or off; default $PERSONA_MODERATION, else block",
    )


def check_script(text: str, mode: str | None, warn: Warn, what: str = "the script") -> None:
    """Refuse ``text`` (``what`` says where it is) when the policy would not let it
    through; warn about the rest."""
    try:
        screening = enforce(text, Policy.from_env(mode=mode), what)
    except ModerationError as exc:
        hint = "; if it is meant, check it and render with --moderation off"
        raise ModerationError(f"{exc}{hint}", exc.findings) from None
    for finding in screening.notes:
        warn(f"moderation: {finding.describe()}")


def warn_public_figure(kind: str, name: str, warn: Warn, mode: str | None = None) -> None:
    """Warn when an avatar's or voice's ``name`` matches a public figure."""
    if Policy.from_env(mode=mode).mode == Mode.OFF:
        return
    figure = match_public_figure(name)
    if figure is not None:
        warn(figure_warning(kind, name, figure).replace("flagged for review", "not checked"))
