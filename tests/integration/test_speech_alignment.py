"""Phone timings line up with the audio, for every TTS engine.

Silences are found in the audio itself (energy in 10 ms frames, 40 dB below the speech
level, at least 80 ms long) and compared with the SILENCE phones of the timeline. A stop
consonant's closure is silent too, so a silence may reach across a p/t/k/b/d/g next to it;
otherwise every boundary must agree within 30 ms.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from persona.errors import ScriptError, UnknownLanguageError, UnknownVoiceError
from persona.script import load_script, parse_script
from persona.types import SILENCE, Phone, Speech
from persona.voice import get_voice, synthesize_script

pytestmark = pytest.mark.slow

SCRIPT = (
    "Good morning, everyone. [pause 1s] Today we will learn something new.\n\n"
    "Let me show you how it works! [pause 600ms] Are you ready? Then we can begin."
)
FRAME_MS = 10
RELATIVE_DB = -40.0
MIN_SILENCE_MS = 80
COMPARED_MS = 150
TOLERANCE_MS = 30
STOPS = set("pbtdkgɡʔc")
VOICES = ["joe", "espeak-en"]


def detect_silences(audio: np.ndarray, sample_rate: int) -> list[tuple[int, int]]:
    """(start, end) ms of the stretches quieter than the speech level by 40 dB."""
    count = len(audio) * 1000 // (sample_rate * FRAME_MS)
    edges = (np.arange(count + 1) * FRAME_MS * sample_rate) // 1000  # frame k starts at k*10 ms
    squared = np.square(audio[: edges[-1]].astype(np.float64))
    level = 10 * np.log10(np.add.reduceat(squared, edges[:-1]) / np.diff(edges) + 1e-12)
    quiet = level < np.percentile(level, 90) + RELATIVE_DB
    silences, start = [], None
    for index, is_quiet in enumerate([*quiet, False]):
        if is_quiet and start is None:
            start = index
        elif not is_quiet and start is not None:
            if (index - start) * FRAME_MS >= MIN_SILENCE_MS:
                silences.append((start * FRAME_MS, index * FRAME_MS))
            start = None
    return silences


def silence_windows(phones: tuple[Phone, ...]) -> list[tuple[int, int, int, int]]:
    """Each SILENCE phone as (earliest start, start, end, latest end) in ms.

    The earliest start / latest end reach across an adjacent stop's closure.
    """
    windows = []
    for index, phone in enumerate(phones):
        if phone.symbol != SILENCE:
            continue
        before = phones[index - 1] if index else None
        after = phones[index + 1] if index + 1 < len(phones) else None
        early = before.start_ms if before and before.symbol[0] in STOPS else phone.start_ms
        late = after.end_ms if after and after.symbol[0] in STOPS else phone.end_ms
        windows.append((early, phone.start_ms, phone.end_ms, late))
    return windows


def boundary_error(value: int, low: int, high: int) -> int:
    return max(0, low - value, value - high)


def boundary_errors(speech: Speech) -> list[int]:
    """Errors of every compared boundary, after checking each long silence, in the audio
    or in the timeline, has a partner in the other."""
    detected = detect_silences(speech.audio, speech.sample_rate)
    windows = silence_windows(speech.phones)
    errors = []
    for start, end in detected:
        if end - start < COMPARED_MS:
            continue
        partners = [w for w in windows if min(end, w[3]) > max(start, w[0])]
        assert partners, f"silence {start}-{end} ms in the audio has no SILENCE phone"
        early, first, last, late = max(partners, key=lambda w: min(end, w[3]) - max(start, w[0]))
        errors += [boundary_error(start, early, first), boundary_error(end, last, late)]
    for early, first, last, late in windows:
        if last - first < COMPARED_MS:
            continue
        partners = [(s, e) for s, e in detected if min(e, late) > max(s, early)]
        assert partners, f"SILENCE phone {first}-{last} ms is not silent in the audio"
    return errors


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
