"""What happens to a text with findings: the moderation policy.

    block    a finding at or above the threshold refuses the text (ModerationError)
    review   such a text waits for a person: the service holds the job for an admin; the
             CLI, which has no reviewer, refuses it as ``block`` does
    off      nothing is checked

The mode comes from ``PERSONA_MODERATION`` (default ``block``); the threshold from
``PERSONA_MODERATION_MIN_SEVERITY`` (default ``medium``): a finding below it (``low``:
``damn``, ``crap``) is only reported, as a warning.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from persona.errors import InputError
from persona.moderation.lexicon import Severity
from persona.moderation.scan import Finding, scan

ENV_MODE = "PERSONA_MODERATION"
ENV_MIN_SEVERITY = "PERSONA_MODERATION_MIN_SEVERITY"
MAX_LISTED = 3
_E = TypeVar("_E", bound=StrEnum)


class Mode(StrEnum):
    BLOCK = "block"
    REVIEW = "review"
    OFF = "off"


class Verdict(StrEnum):
    ALLOW = "allow"
    HOLD = "hold"
    BLOCK = "block"


class ModerationError(InputError):
    """A text refused by the moderation policy; ``findings`` are the reasons."""

    def __init__(self, message: str, findings: tuple[Finding, ...]) -> None:
        super().__init__(message)
        self.findings = findings


@dataclass(frozen=True)
class Policy:
    mode: Mode = Mode.BLOCK
    min_severity: Severity = Severity.MEDIUM

    @classmethod
    def parse(cls, mode: object, min_severity: object = Severity.MEDIUM) -> Policy:
        """A policy from names (``"review"``, ``"low"``); :class:`InputError` for others."""
        chosen = _parse(Mode, mode, "moderation mode")
        return cls(chosen, _parse(Severity, min_severity, "minimum severity"))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, mode: object = None) -> Policy:
        """The policy of ``PERSONA_MODERATION*`` (``mode``, when given, wins)."""
        env = os.environ if environ is None else environ
        chosen = mode if mode is not None else env.get(ENV_MODE) or Mode.BLOCK
        return cls.parse(chosen, env.get(ENV_MIN_SEVERITY) or Severity.MEDIUM)

    def acts_on(self, finding: Finding) -> bool:
        return finding.severity.rank >= self.min_severity.rank


@dataclass(frozen=True)
class Screening:
    """The findings in a text and what the policy makes of them."""

    policy: Policy
    findings: tuple[Finding, ...]

    @property
    def serious(self) -> tuple[Finding, ...]:
        """The findings the policy acts on (at or above its threshold)."""
        return tuple(f for f in self.findings if self.policy.acts_on(f))

    @property
    def notes(self) -> tuple[Finding, ...]:
        """Findings below the threshold: reported, not acted on."""
        return tuple(f for f in self.findings if not self.policy.acts_on(f))

    @property
    def verdict(self) -> Verdict:
        if not self.serious or self.policy.mode == Mode.OFF:
            return Verdict.ALLOW
        return Verdict.HOLD if self.policy.mode == Mode.REVIEW else Verdict.BLOCK

    def error(self, what: str = "the script") -> ModerationError:
        """The error that refuses the text, naming each finding's category and span."""
        listed = "; ".join(f.describe() for f in self.serious[:MAX_LISTED])
        more = len(self.serious) - MAX_LISTED
        tail = f"; and {more} more" if more > 0 else ""
        return ModerationError(
            f"moderation refused {what} (policy {self.policy.mode}): {listed}{tail}",
            self.serious,
        )


def screen(text: str, policy: Policy) -> Screening:
    """Scan ``text`` under ``policy`` (nothing is scanned when the policy is off)."""
    if policy.mode == Mode.OFF or not text:
        return Screening(policy, ())
    return Screening(policy, scan(text))


def enforce(text: str, policy: Policy, what: str = "the script") -> Screening:
    """Screen ``text`` where no person can review it (the CLI, synchronous speech): a
    held text is refused as a blocked one is."""
    screening = screen(text, policy)
    if screening.verdict != Verdict.ALLOW:
        raise screening.error(what)
    return screening


def _parse(enum: type[_E], value: object, what: str) -> _E:
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        names = ", ".join(member.value for member in enum)
        raise InputError(f"unknown {what} {value!r}: one of {names}") from None
