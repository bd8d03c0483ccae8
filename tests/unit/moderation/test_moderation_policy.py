"""The policy: block, review and off; the severity threshold; settings from the environment."""

from __future__ import annotations

import pytest

from persona.errors import InputError
from persona.moderation import Mode, ModerationError, Policy, Severity, Verdict, enforce, screen

THREAT = "Listen. I will kill you."


def test_block_refuses_naming_category_and_span() -> None:
    screening = screen(THREAT, Policy(Mode.BLOCK))
    assert screening.verdict == Verdict.BLOCK
    error = screening.error()
    assert isinstance(error, ModerationError) and isinstance(error, InputError)
    message = str(error)
    assert 'threat "I will kill you" at characters 8–23 (high)' in message
    assert "policy block" in message
    assert error.findings == screening.serious


def test_review_holds_and_off_allows_without_scanning() -> None:
    assert screen(THREAT, Policy(Mode.REVIEW)).verdict == Verdict.HOLD
    off = screen(THREAT, Policy(Mode.OFF))
    assert off.verdict == Verdict.ALLOW and off.findings == ()


def test_clean_text_is_allowed_under_every_policy() -> None:
    for mode in Mode:
        assert screen("Welcome to our product tour.", Policy(mode)).verdict == Verdict.ALLOW


def test_findings_below_the_threshold_are_notes_not_reasons() -> None:
    screening = screen("Damn, that was close.", Policy(Mode.BLOCK))
    assert screening.verdict == Verdict.ALLOW
    assert [f.term for f in screening.notes] == ["damn"] and screening.serious == ()
    strict = screen("Damn, that was close.", Policy(Mode.BLOCK, Severity.LOW))
    assert strict.verdict == Verdict.BLOCK
    lenient = screen("This is shit.", Policy(Mode.BLOCK, Severity.HIGH))
    assert lenient.verdict == Verdict.ALLOW


def test_enforce_refuses_held_text_as_well() -> None:
    with pytest.raises(ModerationError, match="policy review"):
        enforce(THREAT, Policy(Mode.REVIEW))
    assert enforce(THREAT, Policy(Mode.OFF)).findings == ()


def test_many_findings_are_summarised() -> None:
    error = screen("shit " * 5, Policy(Mode.BLOCK)).error()
    assert "and 2 more" in str(error) and len(error.findings) == 5


def test_policy_from_the_environment() -> None:
    assert Policy.from_env({}) == Policy(Mode.BLOCK, Severity.MEDIUM)
    env = {"PERSONA_MODERATION": "Review", "PERSONA_MODERATION_MIN_SEVERITY": "high"}
    assert Policy.from_env(env) == Policy(Mode.REVIEW, Severity.HIGH)
    assert Policy.from_env(env, mode="off").mode == Mode.OFF
    with pytest.raises(InputError, match="unknown moderation mode 'lenient'"):
        Policy.from_env({"PERSONA_MODERATION": "lenient"})
    with pytest.raises(InputError, match="unknown minimum severity"):
        Policy.parse("block", "extreme")
