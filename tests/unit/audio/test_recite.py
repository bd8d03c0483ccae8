"""Recitation: a steady chant on the drone's tonic, longer pauses at dandas, a drone."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from persona.audio.chant import ChantTransform, semitone_spread
from persona.audio.loudness import integrated_lufs, true_peak_dbtp
from persona.audio.recite import Recitation, ReciteOptions, recite
from persona.errors import InputError, ScriptError, UnknownLanguageError
from persona.types import SILENCE
from persona.voice.pitch import track_f0

VERSES = """ॐ भूर्भुवः स्वः
तत्सवितुर्वरेण्यं भर्गो देवस्य धीमहि ।
धियो यो नः
प्रचोदयात् ॥ १ ॥
कर्मण्येवाधिकारस्ते मा फलेषु कदाचन ।
मा कर्मफलहेतुर्भूर्मा ते सङ्गोऽस्त्वकर्मणि ॥ २ ॥
"""
LEAD_IN_MS = 2000


@pytest.fixture(scope="module")
def recitation() -> Recitation:
    return recite(VERSES, ReciteOptions(tonic="C#3", lead_in_ms=LEAD_IN_MS, tail_ms=2000))


def _hz(midi: int) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


@pytest.mark.slow
def test_chant_holds_a_steady_pitch_on_the_tonic(recitation: Recitation) -> None:
    from persona.voice import get_voice
    from persona.voice.base import get_engine
    from persona.voice.synth import speak

    chant = recitation.chant
    chanted = track_f0(chant.audio, chant.sample_rate)
    voice = get_voice(None, "hi")
    spoken = [speak(get_engine("espeak"), line.text, voice, 0.8) for line in recitation.lines]
    plain = np.concatenate([track_f0(s.audio, s.sample_rate) for s in spoken])
    assert semitone_spread(plain) > 3.0  # speech moves its pitch around
    assert semitone_spread(chanted) < 0.3 * semitone_spread(plain)
    median = float(np.median(chanted[chanted > 0]))
    assert recitation.tonic == 49  # C#3
    assert 12 * math.log2(median / _hz(49)) == pytest.approx(0.0, abs=0.5)


@pytest.mark.slow
def test_pauses_are_longer_at_dandas_and_longest_at_verse_ends(recitation: Recitation) -> None:
    chant = recitation.chant
    total_ms = chant.duration_ms - 10
    gaps = _silences_ms(chant.audio, chant.sample_rate)
    lengths = [end - start for start, end in gaps if end - start > 250 and end < total_ms]
    assert [line.ends for line in recitation.lines[:-1]] == [
        "line",
        "half",
        "line",
        "verse",
        "half",
    ]
    assert len(lengths) == 5  # one pause after each line but the last, none inside a line
    line_gaps, half_gaps, verse_gap = [lengths[0], lengths[2]], [lengths[1], lengths[4]], lengths[3]
    assert min(half_gaps) > max(line_gaps) + 300
    assert verse_gap > max(half_gaps) + 500


def _silences_ms(audio: np.ndarray, rate: int) -> list[tuple[int, int]]:
    """(start, end) ms of the stretches quieter than -50 dBFS in 10 ms windows."""
    hop = rate // 100
    frames = audio[: len(audio) // hop * hop].reshape(-1, hop).astype(np.float64)
    quiet = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20) < -50
    edges = np.flatnonzero(np.diff(np.concatenate([[0], quiet.astype(int), [0]])))
    return [(int(a) * 10, int(b) * 10) for a, b in zip(edges[::2], edges[1::2], strict=True)]


@pytest.mark.slow
def test_the_drone_sounds_on_the_tonic_before_the_voice(recitation: Recitation) -> None:
    rate = recitation.sample_rate
    lead = recitation.audio[rate // 2 : LEAD_IN_MS * rate // 1000]  # drone alone
    spectrum = np.abs(np.fft.rfft(lead * np.hanning(len(lead))))
    freqs = np.fft.rfftfreq(len(lead), 1 / rate)

    def energy(hz: float) -> float:
        band = (freqs > hz * 2 ** (-0.2 / 12)) & (freqs < hz * 2 ** (0.2 / 12))
        return float(10 * np.log10(np.sum(spectrum[band] ** 2) + 1e-20))

    sa = _hz(recitation.tonic)
    assert energy(sa) > energy(sa * 2 ** (0.5 / 12)) + 15  # on Sa, not a quarter tone off
    assert energy(sa) > energy(sa * 2 ** (-0.5 / 12)) + 15
    assert energy(sa) > energy(sa * 2 ** (1 / 12)) + 15  # nor a semitone up


@pytest.mark.slow
def test_recitation_loudness_and_speech_for_a_video(recitation: Recitation) -> None:
    rate = recitation.sample_rate
    assert integrated_lufs(recitation.audio, rate) == pytest.approx(-14.0, abs=0.5)
    assert true_peak_dbtp(recitation.audio, rate) <= -1.0 + 1e-3
    speech = recitation.as_speech()
    assert speech.sample_rate == rate and len(speech.audio) == len(recitation.audio)
    assert speech.phones[0].symbol == SILENCE and speech.phones[0].end_ms >= LEAD_IN_MS
    assert speech.phones[-1].end_ms == speech.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(speech.phones))
    first_word = speech.words[0]
    assert first_word.start_ms >= LEAD_IN_MS


@pytest.mark.slow
def test_without_drone_the_lead_in_is_silent() -> None:
    quiet = recite("ॐ नमः शिवाय ॥", ReciteOptions(drone_volume_db=None, voice_chain=None))
    rate = quiet.sample_rate
    assert np.abs(quiet.audio[: rate * 2]).max() < 1e-4


def test_chant_transform_snaps_to_degrees() -> None:
    transform = ChantTransform(tonic_hz=100.0, degrees=(-2.0, 0.0, 2.0), flatten=1.0, glide_ms=0)
    f0 = np.concatenate([np.full(60, 100.0), np.zeros(10), np.full(60, 113.0), np.full(60, 90.0)])
    out = transform._new_f0(f0)
    semitones = 12 * np.log2(out[out > 0] / 100.0)
    assert set(np.round(semitones, 6)) <= {-2.0, 0.0, 2.0}
    assert np.all(out[60:70] == 0.0)  # unvoiced stays unvoiced


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rate": 3.0}, "recitation rate"),
        ({"tonic": "H#"}, "unknown tonic"),
        ({"drone_volume_db": 6.0}, "drone volume"),
        ({"voice_chain": "cathedral"}, "unknown voice chain"),
        ({"loudness_lufs": 5.0}, "loudness target"),
        ({"flatten": 2.0}, "flatten"),
    ],
)
def test_bad_recitation_options(options: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        ReciteOptions(**options)  # type: ignore[arg-type]


def test_sanskrit_is_read_with_the_hindi_voice() -> None:
    assert ReciteOptions(lang="sa").speech_lang == "hi"
    assert ReciteOptions(lang="ta").speech_lang == "ta"


def test_empty_verses_and_unknown_language() -> None:
    with pytest.raises(ScriptError, match="nothing to recite"):
        recite(" ॥ १ ॥ ")
    with pytest.raises(UnknownLanguageError):
        recite("ॐ नमः शिवाय ॥", ReciteOptions(lang="sa-xx"))
