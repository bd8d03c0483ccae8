"""Script synthesis with a scripted fake engine: joining, pauses, tiling, errors."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest

from persona.errors import DependencyError, InputError, SpeechError
from persona.script import parse_script
from persona.types import SILENCE, Phone, Speech, Word
from persona.voice import (
    Voice,
    engine_names,
    get_engine,
    join_speech,
    register_engine,
    synthesize_script,
    unregister_engine,
)
from persona.voice.synth import tile

RATE = 22050
FAKE = Voice("fake", "Fake", "fake", "en", "female", "test voice", "fake-model")


class FakeEngine:
    """Speaks each word as 0.25 s of tone with one phone per letter."""

    name = "fake"

    def __init__(self, fail: Exception | None = None) -> None:
        self.calls: list[tuple[str, float]] = []
        self.fail = fail

    def languages(self) -> tuple[str, ...]:
        return ("en",)

    def synthesize(self, text: str, *, voice: Voice, speed: float) -> Speech:
        if self.fail is not None:
            raise self.fail
        self.calls.append((text, speed))
        words = text.split()
        per_word = int(0.25 * RATE / speed)
        audio = np.concatenate(
            [np.sin(np.arange(per_word) * 0.05).astype(np.float32) * 0.5 for _ in words]
        )
        phones: list[Phone] = []
        timed: list[Word] = []
        for index, word in enumerate(words):
            start = round(index * per_word * 1000 / RATE)
            end = round((index + 1) * per_word * 1000 / RATE)
            timed.append(Word(word, start, end))
            step = (end - start) / len(word)
            for k, letter in enumerate(word):
                a, b = start + round(k * step), start + round((k + 1) * step)
                phones.append(Phone(letter, a, b))
        return Speech(audio, RATE, tuple(phones), tuple(timed))


@pytest.fixture
def fake() -> Iterator[FakeEngine]:
    engine = FakeEngine()
    register_engine("fake", lambda: engine)
    yield engine
    unregister_engine("fake")


class Recorder:
    def __init__(self) -> None:
        self.values: list[float] = []

    def update(self, fraction: float) -> None:
        self.values.append(fraction)


def assert_valid(speech: Speech) -> None:
    phones = speech.phones
    assert phones[0].start_ms == 0
    assert phones[-1].end_ms == speech.duration_ms
    for before, after in itertools.pairwise(phones):
        assert before.end_ms == after.start_ms
    assert all(p.duration_ms > 0 for p in phones)
    cursor = 0
    for word in speech.words:
        assert cursor <= word.start_ms <= word.end_ms <= speech.duration_ms
        cursor = word.end_ms


def test_segments_are_joined_with_their_pauses(fake: FakeEngine) -> None:
    script = parse_script("one two. [pause 1s] three.\n\nfour five six.")
    progress = Recorder()
    speech = synthesize_script(script, FAKE, progress=progress)
    assert_valid(speech)
    assert speech.sample_rate == RATE
    assert progress.values == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert [w.text for w in speech.words] == ["one", "two.", "three.", "four", "five", "six."]
    # 6 words of 250 ms plus 1000 ms and 700 ms of pause, no trailing pause
    assert speech.duration_ms == pytest.approx(6 * 250 + 1000 + 700, abs=2)
    # pauses sit where the audio is silent (snapped onto it within a few ms)
    pauses = [p for p in speech.phones if p.symbol == SILENCE]
    assert len(pauses) == 2
    for pause, (start, end) in zip(pauses, [(500, 1500), (1750, 2450)], strict=True):
        assert pause.start_ms == pytest.approx(start, abs=10)
        assert pause.end_ms == pytest.approx(end, abs=10)
    assert np.all(speech.audio[int(0.501 * RATE) : int(1.499 * RATE)] == 0)
    assert speech.words[2].start_ms == pauses[0].end_ms


def test_leading_pause_and_speed(fake: FakeEngine) -> None:
    script = parse_script("[pause 500ms] one two.")
    speech = synthesize_script(script, FAKE, speed=2.0)
    assert_valid(speech)
    assert fake.calls == [("one two.", 2.0)]
    assert speech.phones[0].symbol == SILENCE
    assert speech.phones[0].end_ms == pytest.approx(500, abs=10)
    assert speech.duration_ms == pytest.approx(500 + 250, abs=2)


@pytest.mark.parametrize("speed", [0.0, -1.0, 0.4, 2.5])
def test_speed_out_of_range(fake: FakeEngine, speed: float) -> None:
    with pytest.raises(InputError, match="speed"):
        synthesize_script(parse_script("Hi."), FAKE, speed=speed)


def test_engine_errors_become_speech_errors() -> None:
    register_engine("fake", lambda: FakeEngine(fail=RuntimeError("model exploded")))
    try:
        with pytest.raises(SpeechError, match=r"fake failed on segment 1.*model exploded"):
            synthesize_script(parse_script("Hi there."), FAKE)
    finally:
        unregister_engine("fake")


def test_persona_errors_pass_through() -> None:
    register_engine("fake", lambda: FakeEngine(fail=DependencyError("install it")))
    try:
        with pytest.raises(DependencyError, match="install it"):
            synthesize_script(parse_script("Hi there."), FAKE)
    finally:
        unregister_engine("fake")


def test_unknown_engine() -> None:
    voice = Voice("x", "X", "no-such-engine", "en", "male", "", "m")
    with pytest.raises(DependencyError, match="no TTS engine called 'no-such-engine'"):
        synthesize_script(parse_script("Hi."), voice)


def test_engines_are_created_once_across_threads() -> None:
    created: list[int] = []

    def slow_factory() -> FakeEngine:
        created.append(1)
        time.sleep(0.05)
        return FakeEngine()

    register_engine("slow", slow_factory)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(get_engine("slow"))) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        unregister_engine("slow")
    assert len(created) == 1
    assert all(engine is seen[0] for engine in seen)
    assert "slow" not in engine_names()
    assert {"piper", "espeak"} <= set(engine_names())


def test_join_resamples_other_rates() -> None:
    a = Speech(np.ones(22050, np.float32) * 0.1, 22050, (Phone("a", 0, 1000),))
    b = Speech(
        np.ones(16000, np.float32) * 0.1, 16000, (Phone("b", 0, 1000),), (Word("b", 0, 900),)
    )
    speech = join_speech([a, b], [100, 0])
    assert speech.sample_rate == 22050
    assert speech.duration_ms == 2100
    assert_valid(speech)
    assert [(p.symbol, p.start_ms, p.end_ms) for p in speech.phones] == [
        ("a", 0, 1000),
        (SILENCE, 1000, 1100),
        ("b", 1100, 2100),
    ]
    assert speech.words == (Word("b", 1100, 2000),)


def test_join_keeps_tiling_despite_rounding() -> None:
    parts = []
    for n in (1001, 2203, 977, 5):
        ms = round(n * 1000 / RATE)
        phones = (Phone("a", 0, ms),) if ms else ()
        parts.append(Speech(np.full(n, 0.2, np.float32), RATE, phones))
    speech = join_speech(parts, [7, 13, 0, 3])
    assert_valid(speech)
    assert len(speech.audio) == sum((1001, 2203, 977, 5)) + sum(
        round(p * RATE / 1000) for p in (7, 13, 0, 3)
    )


def test_join_of_pauses_only() -> None:
    silent = Speech(np.zeros(0, np.float32), 16000, ())
    speech = join_speech([silent], [400])
    assert speech.sample_rate == 22050
    assert speech.phones == (Phone(SILENCE, 0, 400),)


def test_tile_repairs_overlaps_and_gaps() -> None:
    phones = [Phone("a", 0, 10), Phone("b", 8, 20), Phone(SILENCE, 20, 25), Phone(SILENCE, 25, 30)]
    assert tile(phones, 40) == (Phone("a", 0, 10), Phone("b", 10, 20), Phone(SILENCE, 20, 40))
