"""Phone timings line up with the audio, for every TTS engine.

The SILENCE phones of the timeline are compared with the silences found in the audio
(see :mod:`tests.alignment`); every boundary must agree within 30 ms.
"""

from __future__ import annotations

import itertools

import pytest

from persona.errors import ScriptError, UnknownLanguageError, UnknownVoiceError
from persona.script import load_script, parse_script
from persona.types import SILENCE, Speech
from persona.voice import get_voice, synthesize_script
from tests.alignment import TOLERANCE_MS, boundary_errors, detect_silences

pytestmark = pytest.mark.slow

SCRIPT = (
    "Good morning, everyone. [pause 1s] Today we will learn something new.\n\n"
    "Let me show you how it works! [pause 600ms] Are you ready? Then we can begin."
)
VOICES = ["joe", "espeak-en"]


@pytest.fixture(scope="module", params=VOICES)
def spoken(request: pytest.FixtureRequest) -> Speech:
    return synthesize_script(parse_script(SCRIPT), get_voice(request.param, "en"))


def test_silences_line_up_with_silence_phones(spoken: Speech) -> None:
    errors = boundary_errors(spoken)
    assert len(errors) >= 8  # four pauses at least, two boundaries each
    assert max(errors) <= TOLERANCE_MS, errors


def test_pause_marks_are_heard(spoken: Speech) -> None:
    lengths = sorted(e - s for s, e in detect_silences(spoken.audio, spoken.sample_rate))
    assert lengths[-1] >= 1000
    assert lengths[-2] >= 600


def test_phones_tile_the_audio_and_words_are_in_order(spoken: Speech) -> None:
    phones = spoken.phones
    assert phones[0].start_ms == 0 and phones[-1].end_ms == spoken.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(phones))
    words = [w.text for w in spoken.words]
    assert words[:3] == ["Good", "morning", "everyone"]
    assert words[-3:] == ["we", "can", "begin"]
    assert len(words) == 23
    assert all(a.end_ms <= b.start_ms for a, b in zip(spoken.words, spoken.words[1:], strict=False))
    assert spoken.words[-1].end_ms <= spoken.duration_ms


@pytest.mark.parametrize("voice_id", VOICES)
def test_faster_speech_is_shorter(voice_id: str) -> None:
    script = parse_script("The quick brown fox jumps over the lazy dog.")
    voice = get_voice(voice_id, "en")
    normal = synthesize_script(script, voice, speed=1.0)
    fast = synthesize_script(script, voice, speed=1.5)
    assert fast.duration_ms < 0.85 * normal.duration_ms


def test_hindi_script_through_espeak() -> None:
    script = parse_script("नमस्ते दुनिया। [pause 500ms] आप कैसे हैं?", lang="hi")
    speech = synthesize_script(script, get_voice(None, "hi"))
    assert sum(p.symbol != SILENCE for p in speech.phones) >= 15
    assert [w.text for w in speech.words] == ["नमस्ते", "दुनिया", "आप", "कैसे", "हैं"]
    assert max(boundary_errors(speech), default=0) <= TOLERANCE_MS


def test_user_errors_from_input_to_voice(tmp_path: object) -> None:
    with pytest.raises(UnknownVoiceError, match="persona voices"):
        get_voice("nobody", "en")
    with pytest.raises(UnknownLanguageError, match="supported languages"):
        get_voice(None, "tlh")
    with pytest.raises(ScriptError, match="empty"):
        parse_script(load_script("  [pause 2s]  \n\n *** "))
    with pytest.raises(ScriptError, match="not found"):
        load_script("no-such-script.md")
