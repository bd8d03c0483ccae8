"""From engine tokens (samples) to phones and words (milliseconds)."""

from __future__ import annotations

import itertools

import pytest

from persona.types import SILENCE, Phone
from persona.voice.timeline import (
    Span,
    group_extents,
    ipa_letters,
    pair_words,
    phones_from_spans,
    to_ms,
    tokens_to_spans,
    words_from_pairs,
)

RATE = 1000  # one sample per millisecond keeps the arithmetic readable


def assert_tiles(phones: tuple[Phone, ...], total_ms: int) -> None:
    assert phones[0].start_ms == 0
    assert phones[-1].end_ms == total_ms
    for before, after in itertools.pairwise(phones):
        assert before.end_ms == after.start_ms
        assert not (before.symbol == SILENCE and after.symbol == SILENCE)
    assert all(p.end_ms > p.start_ms for p in phones)


@pytest.mark.parametrize(
    ("phone", "letters"),
    [
        ("a", [("a", 0)]),
        ("ˈa", [("a", 1)]),
        ("ˌaɪ", [("a", 2), ("ɪ", 0)]),
        ("ɑː", [("ɑː", 0)]),
        ("tʃ", [("t", 0), ("ʃ", 0)]),
        ("t͡ʃ", [("t", 0), ("ʃ", 0)]),
        ("tʰ", [("tʰ", 0)]),
        ("ɛ̃", [("ɛ̃", 0)]),
        ("ma1", [("m", 0), ("a1", 0)]),
        ("", []),
        ("ˈ", []),
    ],
)
def test_ipa_letters(phone: str, letters: list[tuple[str, int]]) -> None:
    assert ipa_letters(phone) == letters


def test_to_ms_matches_speech_duration_rounding() -> None:
    assert to_ms(22050, 22050) == 1000
    assert to_ms(11, 22050) == 0
    assert to_ms(12, 22050) == 1


def test_piper_like_tokens() -> None:
    # "^ h ə l ˈ o ʊ ␠ ð ˈ ɛ ɹ , ␠ $" as Piper times them (samples at 1 kHz)
    tokens = [
        ("_", 30),
        ("h", 40),
        ("ə", 40),
        ("l", 40),
        ("ˈ", 20),
        ("o", 60),
        ("ʊ", 40),
        (" ", 20),
        ("ð", 40),
        ("ˈ", 20),
        ("ɛ", 80),
        ("ɹ", 40),
        ("ː", 20),
        (",", 100),
        (" ", 50),
        ("_", 60),
    ]
    spans = tokens_to_spans(tokens)
    symbols = [(s.symbol, s.start, s.end, s.stress) for s in spans]
    assert symbols == [
        (SILENCE, 0, 30, 0),
        ("h", 30, 70, 0),
        ("ə", 70, 110, 0),
        ("l", 110, 150, 0),
        ("o", 150, 230, 1),  # the stress mark's time opens the stressed vowel
        ("ʊ", 230, 280, 0),  # half of the space
        ("ð", 280, 330, 0),  # the other half
        ("ɛ", 330, 430, 1),
        ("ɹː", 430, 490, 0),  # the length mark joins the letter before it
        (SILENCE, 490, 590, 0),  # punctuation is silence
        (SILENCE, 590, 640, 0),  # a space next to silence is silence
        (SILENCE, 640, 700, 0),
    ]
    assert sum(n for _, n in tokens) == spans[-1].end
    assert group_extents(spans) == [(30, 280), (280, 490)]
    phones = phones_from_spans(spans, 700, RATE)
    assert_tiles(phones, 700)
    assert [p.symbol for p in phones] == ["_", "h", "ə", "l", "o", "ʊ", "ð", "ɛ", "ɹː", "_"]
    assert phones[-1] == Phone(SILENCE, 490, 700)


def test_multi_letter_tokens_share_their_time() -> None:
    spans = tokens_to_spans([("aɪ", 100), ("_", 10)])
    assert [(s.symbol, s.start, s.end) for s in spans[:2]] == [("a", 0, 50), ("ɪ", 50, 100)]


def test_phones_fill_gaps_and_the_tail_with_silence() -> None:
    spans = [Span("a", 100, 200), Span("b", 250, 300), Span(SILENCE, 300, 310)]
    phones = phones_from_spans(spans, 400, RATE)
    assert_tiles(phones, 400)
    assert [(p.symbol, p.start_ms, p.end_ms) for p in phones] == [
        (SILENCE, 0, 100),
        ("a", 100, 200),
        (SILENCE, 200, 250),
        ("b", 250, 300),
        (SILENCE, 300, 400),
    ]


def test_phones_clip_to_the_audio_and_drop_empty_ones() -> None:
    spans = [Span("a", 0, 5), Span("b", 5, 5), Span("c", 5, 9000)]
    phones = phones_from_spans(spans, 50, RATE)
    assert_tiles(phones, 50)
    assert [p.symbol for p in phones] == ["a", "c"]


def test_phones_tile_at_real_sample_rates() -> None:
    spans = [Span("a", 0, 257), Span("b", 257, 1000), Span("c", 1000, 22049)]
    phones = phones_from_spans(spans, 22049, 22050)
    assert_tiles(phones, to_ms(22049, 22050))


def test_empty_audio_has_no_phones() -> None:
    assert phones_from_spans([], 0, RATE) == ()


def test_pair_words_one_to_one() -> None:
    pairs = pair_words(["hello", "there"], [(10, 50), (60, 90)])
    assert pairs == [("hello", 10, 50), ("there", 60, 90)]


@pytest.mark.parametrize(
    ("texts", "extents"),
    [
        (["well", "I", "think", "so"], [(0, 100), (120, 200), (210, 300)]),  # merged
        (["COVID-nineteen"], [(0, 100), (100, 180)]),  # split
        (["a", "b", "c", "d", "e"], [(0, 10)]),  # many into one
    ],
)
def test_pair_words_falls_back_in_order(texts: list[str], extents: list[tuple[int, int]]) -> None:
    pairs = pair_words(texts, extents)
    assert [t for t, _, _ in pairs] == texts
    first, last = extents[0][0], extents[-1][1]
    cursor = first
    for _, start, end in pairs:
        assert cursor <= start <= end <= last
        cursor = start
    words = words_from_pairs(pairs, RATE)
    for before, after in itertools.pairwise(words):
        assert before.end_ms <= after.start_ms


def test_pair_words_with_nothing_spoken() -> None:
    assert pair_words(["hello"], []) == []
    assert pair_words([], [(0, 10)]) == []
