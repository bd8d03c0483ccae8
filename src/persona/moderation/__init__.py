"""Moderation: scripts are screened before a voice or a face says them, and avatars or
voices named after public figures are flagged.

    scan(text)                 → findings: category (profanity, hate, threat), term,
                                 severity, span in the original text
    screen(text, policy)       → the findings and the policy's verdict: allow, hold, block
    enforce(text, policy)      → the same, refusing (ModerationError) what is not allowed
    match_public_figure(name)  → the public figure a name matches, or None

The word lists are data files in ``persona/moderation/data``; matching undoes common
obfuscations (see :mod:`persona.moderation.lexicon` and :mod:`~persona.moderation.normalize`).
The service holds jobs for review (:mod:`persona.service.reviews`); the CLI refuses.
"""

from persona.moderation.figures import figure_warning, match_public_figure
from persona.moderation.lexicon import Category, Severity
from persona.moderation.policy import (
    Mode,
    ModerationError,
    Policy,
    Screening,
    Verdict,
    enforce,
    screen,
)
from persona.moderation.scan import Finding, scan

__all__ = [
    "Category",
    "Finding",
    "Mode",
    "ModerationError",
    "Policy",
    "Screening",
    "Severity",
    "Verdict",
    "enforce",
    "figure_warning",
    "match_public_figure",
    "scan",
    "screen",
]
