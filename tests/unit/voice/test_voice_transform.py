"""Voice transformation on synthetic signals: pitch, formants, breath, timing, silence."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pytest

from persona.errors import DependencyError, InputError
from persona.script import parse_script
from persona.types import Phone, Speech, Word
from persona.voice import Voice, register_engine, synthesize_script, unregister_engine
from persona.voice import transform as transform_module
from persona.voice.pitch import median_f0, track_f0
from persona.voice.transform import VoiceTransform, warp_envelope

RATE = 16000


def harmonic_tone(f0: float, seconds: float = 1.0, harmonics: int = 10) -> np.ndarray:
    """A steady tone with ``harmonics`` partials of falling amplitude (1/k)."""
    t = np.arange(round(seconds * RATE)) / RATE
    partials = [np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, harmonics + 1)]
    tone = np.sum(partials, axis=0)
    return (0.3 * tone / np.max(np.abs(tone))).astype(np.float32)


def vowel(f0: float = 120.0, formants: tuple[float, ...] = (700, 1200, 2600)) -> np.ndarray:
    """One second of a pulse train through two-pole resonances: a synthetic vowel."""
    from scipy.signal import lfilter

    signal = np.zeros(RATE)
    signal[np.arange(0, RATE, RATE / f0).astype(int)] = 1.0
    radius = np.exp(-np.pi * 80 / RATE)
    for formant in formants:
        angle = 2 * np.pi * formant / RATE
        signal = lfilter([1 - radius], [1, -2 * radius * np.cos(angle), radius**2], signal)
    return (0.3 * signal / np.max(np.abs(signal))).astype(np.float32)


def as_speech(audio: np.ndarray) -> Speech:
    total = round(len(audio) * 1000 / RATE)
    phones = (Phone("a", 0, total // 2), Phone("o", total // 2, total))
    return Speech(audio, RATE, phones, (Word("ao", 0, total),))


def middle(audio: np.ndarray) -> np.ndarray:
    """The audio without its first and last 200 ms (no edge effects)."""
    return audio[RATE // 5 : -RATE // 5].astype(np.float64)


def spectrum_peak_hz(audio: np.ndarray, low: float, high: float) -> float:
    """Frequency of the strongest spectral line between ``low`` and ``high``."""
    seg = middle(audio)
    magnitude = np.abs(np.fft.rfft(seg * np.hanning(len(seg)), 8 * len(seg)))
    freqs = np.fft.rfftfreq(8 * len(seg), 1 / RATE)
    band = (freqs > low) & (freqs < high)
    return float(freqs[band][np.argmax(magnitude[band])])


def log_envelope(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies, dB) of the power spectrum smoothed over 250 Hz (past the harmonics)."""
    seg = middle(audio)
    power = np.abs(np.fft.rfft(seg)) ** 2
    freqs = np.fft.rfftfreq(len(seg), 1 / RATE)
    width = int(250 / freqs[1])
    return freqs, 10 * np.log10(np.convolve(power, np.ones(width) / width, mode="same") + 1e-12)


def envelope_stretch(source: np.ndarray, audio: np.ndarray) -> float:
    """The factor by which ``audio``'s spectral envelope is ``source``'s stretched along
    frequency: the best match of the two between 300 Hz and 3.5 kHz."""
    freqs, before = log_envelope(source)
    _, after = log_envelope(audio)
    grid = np.linspace(300.0, 3500.0, 400)
    factors = np.arange(0.7, 1.5, 0.005)
    scores = [
        np.corrcoef(np.interp(grid, freqs, after), np.interp(grid / f, freqs, before))[0, 1]
        for f in factors
    ]
    return float(factors[int(np.argmax(scores))])


def harmonic_to_noise_db(audio: np.ndarray, f0: float) -> float:
    """Power near the harmonics of ``f0`` over the power between them, 2-6 kHz."""
    seg = middle(audio)
    power = np.abs(np.fft.rfft(seg)) ** 2
    freqs = np.fft.rfftfreq(len(seg), 1 / RATE)
    band = (freqs > 2000) & (freqs < 6000)
    near = np.abs((freqs + f0 / 2) % f0 - f0 / 2) < 10
    return float(10 * np.log10(power[band & near].sum() / power[band & ~near].sum()))


@pytest.mark.parametrize("ratio", [0.7, 1.5, 2.5])
def test_pitch_scales_by_the_ratio(ratio: float) -> None:
    out = VoiceTransform(pitch_ratio=ratio).apply(as_speech(harmonic_tone(150.0))).audio
    expected = 150.0 * ratio
    assert spectrum_peak_hz(out, 50.0, 1000.0) == pytest.approx(expected, rel=0.02)
    assert median_f0(out, RATE) == pytest.approx(expected, rel=0.02)


def test_length_rate_and_timeline_are_kept() -> None:
    speech = as_speech(harmonic_tone(150.0, seconds=0.73))
    out = VoiceTransform(pitch_ratio=1.8, formant_ratio=1.2, breathiness=0.2).apply(speech)
    assert out.sample_rate == speech.sample_rate
    assert len(out.audio) == len(speech.audio) and out.duration_ms == speech.duration_ms
    assert out.audio.dtype == np.float32 and float(np.max(np.abs(out.audio))) <= 1.0
    assert out.phones == speech.phones and out.words == speech.words


def test_silence_stays_silent_and_the_level_is_kept() -> None:
    audio = harmonic_tone(150.0, seconds=1.2)
    gap = slice(int(0.4 * RATE), int(0.8 * RATE))
    audio[gap] = 0.0
    out = VoiceTransform(pitch_ratio=2.0, formant_ratio=1.3, breathiness=0.3).apply(
        as_speech(audio)
    )
    margin = RATE // 50  # 20 ms: the level is matched in windows around each instant
    inside = out.audio[gap.start + margin : gap.stop - margin]
    assert float(np.max(np.abs(inside))) == 0.0
    loud = np.r_[0 : gap.start - margin, gap.stop + margin : len(audio)]
    level_in = np.sqrt(np.mean(np.square(audio[loud], dtype=np.float64)))
    level_out = np.sqrt(np.mean(np.square(out.audio[loud], dtype=np.float64)))
    assert 20 * np.log10(level_out / level_in) == pytest.approx(0.0, abs=1.0)
    silent = VoiceTransform(pitch_ratio=2.0).apply(as_speech(np.zeros(RATE, np.float32)))
    assert not np.any(silent.audio)


@pytest.mark.parametrize("ratio", [0.85, 1.25])
def test_formants_move_by_the_ratio(ratio: float) -> None:
    source = vowel()
    out = VoiceTransform(formant_ratio=ratio).apply(as_speech(source)).audio
    assert envelope_stretch(source, out) == pytest.approx(ratio, abs=0.03)
    assert median_f0(out, RATE) == pytest.approx(120.0, rel=0.02)  # pitch unchanged


def test_breathiness_adds_noise_between_the_harmonics() -> None:
    source = as_speech(vowel())
    clear = VoiceTransform(formant_ratio=1.05).apply(source).audio
    breathy = VoiceTransform(formant_ratio=1.05, breathiness=0.8).apply(source).audio
    assert harmonic_to_noise_db(clear, 120.0) > harmonic_to_noise_db(breathy, 120.0) + 6.0


def test_pitch_range_widens_the_intonation_around_the_median() -> None:
    t = np.arange(RATE) / RATE
    f0 = 120.0 * 2 ** (t * 0.6)  # a glide over 0.6 octave
    glide = (0.3 * np.sin(2 * np.pi * np.cumsum(f0) / RATE)).astype(np.float32)
    out = VoiceTransform(pitch_ratio=1.5, pitch_range=2.0).apply(as_speech(glide)).audio

    def spread_octaves(audio: np.ndarray) -> float:
        track = track_f0(audio, RATE)[40:-40]
        voiced = track[track > 0]
        return float(np.log2(np.percentile(voiced, 90) / np.percentile(voiced, 10)))

    assert spread_octaves(out) == pytest.approx(2 * spread_octaves(glide), rel=0.1)
    assert median_f0(out, RATE) == pytest.approx(1.5 * median_f0(glide, RATE), rel=0.03)


def test_identity_and_empty_speech_come_back_unchanged() -> None:
    speech = as_speech(harmonic_tone(150.0, seconds=0.3))
    assert VoiceTransform().apply(speech) is speech
    empty = Speech(np.zeros(0, np.float32), RATE, ())
    assert VoiceTransform(pitch_ratio=2.0).apply(empty) is empty


@pytest.mark.parametrize(
    "settings",
    [
        {"pitch_ratio": 0.0},
        {"pitch_ratio": 9.0},
        {"formant_ratio": 2.5},
        {"breathiness": -0.1},
        {"pitch_range": 4.0},
    ],
)
def test_out_of_range_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(InputError, match="voice transform"):
        VoiceTransform(**settings)


def test_envelope_warp_moves_a_resonance_up() -> None:
    bins = np.arange(513)
    envelope = np.exp(-0.5 * ((bins - 100) / 8.0) ** 2)[None, :].repeat(3, axis=0) + 1e-6
    warped = warp_envelope(envelope, 1.2)
    assert warped.shape == envelope.shape
    assert np.all(np.argmax(warped, axis=1) == 120)
    assert warp_envelope(envelope, 1.0) is envelope


def test_long_audio_is_transformed_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transform_module, "MAX_PIECE_S", 0.5)
    audio = harmonic_tone(150.0, seconds=1.6)
    for start in (0.4, 0.85, 1.3):  # short pauses where the pieces may be cut
        audio[int(start * RATE) : int((start + 0.05) * RATE)] = 0.0
    cuts = transform_module._cut_points(audio.astype(np.float64), RATE, RATE // 2)
    assert cuts[0] == 0 and cuts[-1] == len(audio) and len(cuts) >= 4
    assert all(b - a <= RATE // 2 for a, b in itertools.pairwise(cuts))
    assert all(audio[c] == 0.0 for c in cuts[1:-1])  # cut in the quiet
    out = VoiceTransform(pitch_ratio=1.6).apply(as_speech(audio)).audio
    assert len(out) == len(audio)
    for a, b in itertools.pairwise(cuts):
        assert median_f0(out[a:b], RATE) == pytest.approx(240.0, rel=0.03)


def test_missing_vocoder_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyworld", None)
    with pytest.raises(DependencyError, match="pip install pyworld"):
        VoiceTransform(pitch_ratio=1.5).apply(as_speech(harmonic_tone(150.0, seconds=0.3)))


class ToneEngine:
    """Speaks 0.2 s of a 150 Hz tone per word, 0.2 s / speed long; records the speeds."""

    name = "tone"

    def __init__(self) -> None:
        self.speeds: list[float] = []

    def languages(self) -> tuple[str, ...]:
        return ("en",)

    def synthesize(self, text: str, *, voice: Voice, speed: float) -> Speech:
        self.speeds.append(speed)
        seconds = 0.2 * len(text.split()) / speed
        return as_speech(harmonic_tone(150.0, seconds=seconds))


def test_synthesis_speaks_at_the_voice_rate_then_transforms() -> None:
    engine = ToneEngine()
    register_engine("tone", lambda: engine)
    try:
        voice = Voice(
            "tone-child",
            "Tone",
            "tone",
            "en",
            "female",
            "test",
            "tone",
            age_group="child",
            transform=VoiceTransform(pitch_ratio=2.0),
            rate=0.8,
        )
        speech = synthesize_script(parse_script("One two three four five."), voice, speed=1.25)
    finally:
        unregister_engine("tone")
    assert engine.speeds == [pytest.approx(1.0)]  # 1.25 asked times the voice's 0.8
    assert speech.duration_ms == pytest.approx(1000, abs=2)
    assert median_f0(speech.audio, RATE) == pytest.approx(300.0, rel=0.02)


def test_unvoiced_sound_keeps_its_timing_and_level() -> None:
    noise = np.random.default_rng(1).standard_normal(RATE).astype(np.float32) * 0.05
    out = VoiceTransform(pitch_ratio=2.0, formant_ratio=1.3).apply(as_speech(noise)).audio
    assert len(out) == len(noise) and np.all(np.isfinite(out))
    level = np.sqrt(np.mean(np.square(middle(out)))) / np.sqrt(np.mean(np.square(middle(noise))))
    assert 20 * np.log10(level) == pytest.approx(0.0, abs=1.0)
