"""Every TTS backend honours the TTSEngine contract; backend-specific details."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import numpy as np
import pytest

from persona.errors import DependencyError, UnknownLanguageError
from persona.types import SILENCE, Speech
from persona.voice import TTSEngine, Voice, get_engine, get_voice
from persona.voice import espeak as espeak_module
from persona.voice.espeak import LANGUAGES
from persona.voice.piper import _chunk_tokens, prepare_text, text_words
from persona.voice.timeline import Span

BACKENDS = [
    pytest.param("espeak-en", id="espeak"),
    pytest.param("joe", id="piper", marks=pytest.mark.slow),
]
SENTENCE = "Hello world, this is a short test."


def check_contract(speech: Speech, words: list[str]) -> None:
    assert speech.audio.dtype == np.float32 and speech.audio.ndim == 1
    assert len(speech.audio) > 0.5 * speech.sample_rate
    assert float(np.max(np.abs(speech.audio))) <= 1.0
    assert speech.sample_rate == 22050
    phones = speech.phones
    assert phones[0].start_ms == 0 and phones[-1].end_ms == speech.duration_ms
    for before, after in itertools.pairwise(phones):
        assert before.end_ms == after.start_ms
    assert all(p.duration_ms > 0 for p in phones)
    assert all(p.stress in (0, 1, 2) for p in phones)
    assert all("ˈ" not in p.symbol and "ˌ" not in p.symbol for p in phones)
    assert sum(p.symbol != SILENCE for p in phones) >= 15
    assert [w.text for w in speech.words] == words
    cursor = 0
    for word in speech.words:
        assert cursor <= word.start_ms < word.end_ms <= speech.duration_ms
        cursor = word.end_ms


@pytest.mark.parametrize("voice_id", BACKENDS)
def test_engine_contract(voice_id: str) -> None:
    voice = get_voice(voice_id, "en")
    engine = get_engine(voice.engine)
    assert isinstance(engine, TTSEngine)
    assert engine.name == voice.engine
    assert "en" in engine.languages()
    speech = engine.synthesize(SENTENCE, voice=voice, speed=1.0)
    check_contract(speech, ["Hello", "world", "this", "is", "a", "short", "test"])
    # the comma is a pause inside the speech, between "world" and "this"
    comma = speech.words[1].end_ms, speech.words[2].start_ms
    silent = [p for p in speech.phones if p.symbol == SILENCE and comma[0] <= p.start_ms]
    assert silent and silent[0].end_ms <= comma[1] + 1


@pytest.mark.parametrize("voice_id", BACKENDS)
def test_engine_speaks_nothing_for_punctuation(voice_id: str) -> None:
    voice = get_voice(voice_id, "en")
    speech = get_engine(voice.engine).synthesize(" ... ", voice=voice, speed=1.0)
    assert len(speech.audio) == 0 and speech.phones == () and speech.words == ()


def test_espeak_speaks_hindi() -> None:
    voice = get_voice(None, "hi")
    speech = get_engine("espeak").synthesize("नमस्ते दुनिया, आप कैसे हैं?", voice=voice, speed=1.0)
    check_contract(speech, ["नमस्ते", "दुनिया", "आप", "कैसे", "हैं"])


def test_espeak_speed_changes_length() -> None:
    voice = get_voice("espeak-en", "en")
    engine = get_engine("espeak")
    normal = engine.synthesize(SENTENCE, voice=voice, speed=1.0)
    fast = engine.synthesize(SENTENCE, voice=voice, speed=1.5)
    assert fast.duration_ms < 0.8 * normal.duration_ms


def test_espeak_rejects_a_language_it_lacks() -> None:
    voice = Voice("espeak-xx", "X", "espeak", "xx", "male", "", "xx")
    with pytest.raises(UnknownLanguageError, match="supported"):
        get_engine("espeak").synthesize("Hello.", voice=voice, speed=1.0)


def test_espeak_missing_library_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(espeak_module, "_LIBRARY_NAMES", ("libespeak-ng-missing.so.9",))
    monkeypatch.setattr(espeak_module.ctypes.util, "find_library", lambda _name: None)
    with pytest.raises(DependencyError, match="apt-get install libespeak-ng1 espeak-ng"):
        espeak_module._open_library()


def test_espeak_knows_every_catalog_language() -> None:
    assert set(get_engine("espeak").languages()) == set(espeak_module.LANGUAGES)


@pytest.mark.parametrize(
    ("text", "prepared"),
    [
        ("Well... I think so.", "Well, I think so."),
        ("Wait for it…", "Wait for it."),
        ("Use [[ brackets", "Use [ [ brackets"),
        ("Plain text.", "Plain text."),
    ],
)
def test_piper_text_preparation(text: str, prepared: str) -> None:
    assert prepare_text(text) == prepared


def test_piper_text_words() -> None:
    assert text_words("It's twenty-four, 'quoted' - ok!") == [
        "It's",
        "twenty-four",
        "quoted",
        "ok",
    ]


def test_piper_chunk_tokens_follow_the_id_sequence() -> None:
    id_map = {"_": [0], "^": [1], "$": [2], "a": [3], "b": [4], " ": [5]}
    # ids: ^ _ a _ ? b _ $   ("?" is unknown to the voice and skipped, like Piper does)
    chunk = SimpleNamespace(
        phonemes=["a", "?", "b"],
        phoneme_id_samples=np.array([10, 5, 20, 4, 30, 6, 7]),
        audio_float_array=np.zeros(85, np.float32),
    )
    tokens = _chunk_tokens(chunk, id_map)
    assert tokens == [(SILENCE, 15), ("a", 24), ("b", 36), (SILENCE, 10)]
    assert sum(n for _, n in tokens) == 85


@pytest.mark.parametrize("voice_id", BACKENDS)
def test_engine_calls_do_not_leak_into_each_other(voice_id: str) -> None:
    voice = get_voice(voice_id, "en")
    engine = get_engine(voice.engine)
    engine.synthesize(SENTENCE, voice=voice, speed=1.3)
    first = engine.synthesize("Good morning, everyone.", voice=voice, speed=1.0)
    engine.synthesize("Something else entirely.", voice=voice, speed=1.0)
    again = engine.synthesize("Good morning, everyone.", voice=voice, speed=1.0)
    for speech in (first, again):
        assert [w.text for w in speech.words] == ["Good", "morning", "everyone"]


def test_espeak_word_events_become_words() -> None:
    recording = espeak_module._Recording()
    # "of the cat": eSpeak NG runs "of the" together as one word; "cat" is spoken as
    # two word events at the same text position
    recording.words = [(0, 1, 2), (200, 8, 3), (300, 8, 3)]
    spans = [
        Span("ʌ", 0, 100),
        Span("v", 100, 150),
        Span("ð", 150, 200),
        Span("k", 200, 250),
        Span(SILENCE, 250, 300),
        Span("æ", 300, 400),
    ]
    pairs = espeak_module._word_pairs("of the cat.", recording, spans)
    assert pairs == [("of", 0, 80), ("the", 80, 200), ("cat", 200, 400)]


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_espeak_language_speaks(code: str) -> None:
    voice = get_voice(None, code) if code != "en" else get_voice("espeak-en", "en")
    text = "שלום עולם" if code == "he" else "1 2 3"  # eSpeak NG reads no Hebrew digits
    speech = get_engine("espeak").synthesize(text, voice=voice, speed=1.0)
    assert speech.duration_ms > 200
    symbols = {p.symbol for p in speech.phones}
    assert symbols - {SILENCE}
    assert not any(ch in s for s in symbols for ch in "()")


@pytest.mark.slow
def test_piper_speaks_a_script_the_same_way_in_every_process() -> None:
    import subprocess
    import sys

    code = (
        "import hashlib\n"
        "from persona.script import parse_script\n"
        "from persona.voice import get_voice, synthesize_script\n"
        "s = synthesize_script(parse_script('Hello there. Same words, same sound.'),"
        " get_voice(None, 'en'))\n"
        "print(hashlib.sha1(s.audio.tobytes()).hexdigest(), [p.end_ms for p in s.phones])\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    assert runs[0].stdout.strip() and runs[0].stdout == runs[1].stdout
