"""The lexicon scan: every category, every obfuscation, and ordinary words left alone."""

from __future__ import annotations

import pytest

from persona.errors import InputError
from persona.moderation import Category, Finding, Severity, scan
from persona.moderation.lexicon import load_lexicon, parse_lexicon, term_regex


def only(text: str) -> Finding:
    found = scan(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "category", "term", "severity"),
    [
        ("What the fuck is this?", Category.PROFANITY, "fuck", Severity.HIGH),
        ("That was bullshit.", Category.PROFANITY, "shit", Severity.MEDIUM),
        ("Oh, damn.", Category.PROFANITY, "damn", Severity.LOW),
        ("They called him a faggot.", Category.HATE, "faggot", Severity.HIGH),
        ("Don't be a retard.", Category.HATE, "retard", Severity.MEDIUM),
        ("I will kill you.", Category.THREAT, "i will kill you", Severity.HIGH),
    ],
)
def test_each_category_is_found_with_its_term_and_severity(
    text: str, category: Category, term: str, severity: Severity
) -> None:
    finding = only(text)
    assert (finding.category, finding.term, finding.severity) == (category, term, severity)


def test_the_span_points_into_the_original_text() -> None:
    text = "Hello there. You f.u.c.k.i.n.g idiot."
    finding = only(text)
    assert text[finding.start : finding.end] == finding.text == "f.u.c.k.i.n.g"
    assert finding.as_dict() == {
        "category": "profanity", "term": "fuck", "severity": "high",
        "start": 17, "end": 30, "text": "f.u.c.k.i.n.g",
    }  # fmt: skip
    assert "profanity" in finding.describe() and "17–30" in finding.describe()


@pytest.mark.parametrize(
    "text",
    [
        "FUCK",  # case
        "FuCk",
        "fuuuuck",  # repeated letters
        "ffffuuuccckkk",
        "f.u.c.k",  # separators
        "f u c k",
        "f-u-c-k",
        "f_u_c_k",
        "f*ck",  # masking
        "f#ck",
        "fu*k",
        "f**k",
        "fück",  # diacritics
        "fǘck",
        "fu\u0308ck",  # a combining mark
        "ｆｕｃｋ",  # fullwidth
        "𝐟𝐮𝐜𝐤",  # mathematical bold
        "fu\u200bck",  # zero-width space
        "f\u200du\u2060c\ufeffk",  # joiners
        "fu\u00adck",  # soft hyphen
        "fυck",  # Greek upsilon
        "fuсk",  # Cyrillic es
    ],
)
def test_obfuscated_spellings_of_a_term_are_found(text: str) -> None:
    finding = only(f"well {text} that")
    assert finding.term == "fuck"
    assert finding.text == text


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("5h1t", "shit"),  # leetspeak: 5→s, 1→i
        ("sh!t", "shit"),
        ("$hit", "shit"),
        ("a$$hole", "asshole"),
        ("@sshole", "asshole"),
        ("b17ch", "bitch"),  # 1→i, 7→t
        ("8itch", "bitch"),
        ("c0cksucker", "cocksucker"),  # 0→o
        ("wh0r3", "whore"),  # 3→e
        ("n1gg3r", "nigger"),
        ("ѕhіt", "shit"),  # Cyrillic dze and i
        ("ЅНІТ", "shit"),  # Cyrillic capitals
        ("b i t c h", "bitch"),
        ("s.h.i.t", "shit"),
    ],
)
def test_leetspeak_and_look_alikes(text: str, term: str) -> None:
    assert only(f"you {text} today").term == term


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe United won on Saturday.",
        "We assess each class of cocktail.",
        "A bunch of grapes; a grape; the therapist read Dickens.",
        "Shitake and shiitake mushrooms, assesses, passing the bass.",
        "Let's kill time before the show.",
        "The bomb was defused in the film.",
        "Kill the engine and shoot the scene.",
        "We're going to kill it tonight!",
        "I'll shoot you an email tomorrow.",
        "I will never hurt you.",
        "I will hurt her feelings if I say that.",
        "This is his hit single.",  # "is hit" is not "shit" split
        "Call 455 people before 5pm.",  # digits alone are not "ass"
        "Matsushita, Cockburn and Penistone are names and places.",
        "An analyst's passage assumed a classic class assignment.",
        "The documentary showed a raccoon and a spice market.",
    ],
)
def test_ordinary_text_has_no_findings(text: str) -> None:
    assert scan(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "I'm going to kill you",
        "I’m gonna shoot everyone",
        "We will hunt you down",
        "i'll really hurt your family",
        "I am going to stab the teachers",
        "I'm going to shoot up the school tomorrow",
        "We're gonna bomb the embassy",
        "I know where you live.",
        "Go kill yourself",
        "Somebody should shoot him",
        "I will break your neck",
        "I'll beat you up",
        "I  WILL\nKILL  YOU",
    ],
)
def test_threat_phrases_are_found(text: str) -> None:
    finding = only(text)
    assert finding.category == Category.THREAT
    assert finding.start == 0


def test_a_threat_with_profanity_reports_both() -> None:
    found = scan("I'm going to fucking kill you")
    assert {f.category for f in found} == {Category.PROFANITY, Category.THREAT}


def test_overlapping_spellings_are_one_finding() -> None:
    assert [f.term for f in scan("motherfucker")] == ["motherfucker"]
    assert [f.term for f in scan("shit, shit and more shit")] == ["shit", "shit", "shit"]


def test_findings_come_in_reading_order() -> None:
    found = scan("crap. I will kill you. shit.")
    assert [f.category for f in found] == ["profanity", "threat", "profanity"]
    assert [f.start for f in found] == sorted(f.start for f in found)


def test_a_malformed_lexicon_is_refused() -> None:
    with pytest.raises(InputError, match="malformed"):
        parse_lexicon({"terms": {"profanity": {"extreme": {"frak": []}}}, "threats": {}})
    with pytest.raises(InputError, match="one word of two or more letters"):
        term_regex("a")


def test_a_lexicon_file_of_ones_own(tmp_path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text(
        "terms:\n  profanity:\n    medium:\n      frak: [frakking]\n"
        "threats:\n  subjects: [i]\n  intents: [will]\n  acts: [zap]\n  targets: [you]\n"
        "  place_acts: [zap]\n  places: [the moon]\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon(path)
    found = scan("Frakking toasters! I will zap you.", lexicon)
    assert [(f.term, f.category) for f in found] == [
        ("frak", "profanity"), ("i will zap you", "threat")
    ]  # fmt: skip
    assert scan("fuck", lexicon) == ()
