"""What an audio-driven render decides before it listens: language, transcript words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.errors import AudioError, UnknownLanguageError
from persona.lipsync.listen import load_recording, recording_language, transcript_words
from persona.media.audio import write_wav


def test_the_language_is_given_or_the_transcripts_or_english() -> None:
    assert recording_language(None, None) == "en"
    assert recording_language("auto", None) == "en"
    assert recording_language("AUTO", "Buenos días a todos, ¿cómo están ustedes hoy?") == "es"
    assert recording_language("en-US", "Buenos días a todos, ¿cómo están ustedes hoy?") == "en"
    assert recording_language("HI", None) == "hi"
    assert recording_language("nl", None) == "nl"  # phones need no voice for it
    with pytest.raises(UnknownLanguageError, match="unknown language 'english!'"):
        recording_language("english!", None)


def test_an_english_transcript_is_read_as_a_script() -> None:
    warnings: list[str] = []
    words = transcript_words("We measured 42 samples. [pause 1s] At 3pm.", "en", warnings.append)
    assert words == "We measured forty-two samples. At three PM."
    assert transcript_words(None, "en", warnings.append) is None
    assert transcript_words("  \n", "en", warnings.append) is None
    assert warnings == []


def test_other_languages_are_warned_about() -> None:
    warnings: list[str] = []
    assert transcript_words("Hola a todos.", "es", warnings.append) is None
    assert transcript_words(None, "hi", warnings.append) is None
    assert len(warnings) == 2
    assert "'es'" in warnings[0] and "recognized phones" in warnings[0]
    assert "transcript is not used" in warnings[0]
    assert "transcript" not in warnings[1]


def test_a_recording_must_hold_sound(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    write_wav(quiet, np.full(8000, 1e-4, np.float32), 8000)
    with pytest.raises(AudioError, match=r"cannot make a video from .*quiet\.wav: .*silent"):
        load_recording(quiet)
    loud = tmp_path / "tone.wav"
    tone = 0.3 * np.sin(np.arange(8000) * 0.2).astype(np.float32)
    write_wav(loud, tone, 8000)
    audio, rate = load_recording(loud)
    assert rate == 8000 and audio.dtype == np.float32
    assert np.allclose(audio, tone, atol=1e-4)
