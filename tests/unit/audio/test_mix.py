"""The mixer: music under a voice, ducked, faded, at a loudness target."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pytest
from tests.unit.audio.mixsignals import (
    SPEECH_MS,
    TOTAL_MS,
    music_signal,
    rms_db,
    stretch,
    voice_signal,
)

from persona.audio.ducking import speech_intervals
from persona.audio.loudness import integrated_lufs, true_peak_dbtp
from persona.audio.mix import MixOptions, MixResult, mix, soundtrack
from persona.errors import AudioError, InputError
from persona.media.audio import write_wav
from persona.types import SILENCE, Phone

VOICE_RATE = 22050
RATE = 48000


@pytest.fixture(scope="module")
def music_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 12 s music bed at another rate than the output, longer than the voice."""
    path = tmp_path_factory.mktemp("music") / "bed.wav"
    write_wav(path, music_signal(12.0, 44100), 44100)
    return path


@pytest.fixture(scope="module")
def voice() -> np.ndarray:
    return voice_signal()


def _mixed(voice: np.ndarray, music: Path, **options: object) -> MixResult:
    intervals = options.pop("intervals", None)
    settings = MixOptions(music=str(music), **options)  # type: ignore[arg-type]
    return mix(voice, VOICE_RATE, settings, speech_intervals=intervals)  # type: ignore[arg-type]


@pytest.mark.parametrize("intervals", [None, SPEECH_MS], ids=["detector", "intervals"])
@pytest.mark.parametrize("depth", [12.0, 6.0])
def test_music_ducks_by_the_configured_depth(
    voice: np.ndarray, music_file: Path, intervals: object, depth: float
) -> None:
    result = _mixed(voice, music_file, duck_db=depth, intervals=intervals)
    ducked = result.music_ducked
    assert ducked is not None
    # the music stem after ducking: inside long speech vs inside the long gap
    during = rms_db(stretch(ducked, RATE, 1300, 2700)) - rms_db(stretch(ducked, RATE, 5800, 7200))
    assert during == pytest.approx(-depth, abs=2.0)
    # the voice is untouched and the music itself steady where nobody speaks
    assert rms_db(stretch(ducked, RATE, 5800, 7200)) == pytest.approx(
        rms_db(stretch(result.music, RATE, 5800, 7200)), abs=0.1
    )


def test_duck_starts_before_the_first_syllable_and_reaches_depth_in_the_attack(
    voice: np.ndarray, music_file: Path
) -> None:
    result = _mixed(voice, music_file, intervals=SPEECH_MS, duck_attack_ms=60)
    gain = result.duck_gain_db
    assert gain is not None
    onset = SPEECH_MS[0][0]
    lookahead = 60
    assert gain[onset - lookahead - 1] == 0.0  # nothing before the look-ahead
    assert gain[onset - lookahead + 30] == pytest.approx(-6.0, abs=0.3)  # halfway in 30 ms
    assert gain[onset] == pytest.approx(-12.0, abs=0.01)  # fully down as speech starts


def test_music_recovers_in_the_release_after_the_hold(voice: np.ndarray, music_file: Path) -> None:
    result = _mixed(voice, music_file, intervals=SPEECH_MS, duck_release_ms=400)
    gain = result.duck_gain_db
    assert gain is not None
    end, hold = SPEECH_MS[1][1], 250
    assert gain[end + hold - 1] == pytest.approx(-12.0)  # held through a short pause
    assert gain[end + hold + 200] == pytest.approx(-6.0, abs=0.1)
    assert gain[end + hold + 400] == pytest.approx(0.0, abs=0.05)
    # the 200 ms gap between the first two phrases never lets the music up
    assert np.all(gain[SPEECH_MS[0][0] : SPEECH_MS[1][1]] < -11.9)


def test_detector_finds_the_speech(voice: np.ndarray, music_file: Path) -> None:
    result = _mixed(voice, music_file)
    gain = result.duck_gain_db
    assert gain is not None
    for start, end in SPEECH_MS:
        assert np.all(gain[start + 20 : end - 20] < -11.5)  # down wherever speech sounds
    assert gain[SPEECH_MS[0][0] - 80] == 0.0
    assert np.all(gain[5800:7200] == 0.0)


def test_fades_start_and_end_in_silence(voice: np.ndarray, music_file: Path) -> None:
    result = _mixed(voice, music_file, duck=False, fade_in_ms=1000, fade_out_ms=2000)
    music = result.music
    assert music is not None

    def level(start_ms: int) -> float:  # 50 ms; the beat repeats every 500 ms
        return rms_db(stretch(music, RATE, start_ms, start_ms + 50))

    assert rms_db(music[:240]) < level(5000) - 40  # the first 5 ms
    # raised-cosine fade in over 1 s: at 700-750 ms the gain is 0.79..0.85
    assert level(700) - level(5700) == pytest.approx(-1.7, abs=0.4)
    assert level(1200) == pytest.approx(level(5700), abs=0.2)  # full level after the fade
    # fade out over the last 2 s: halfway (-6 dB) 1 s before the end
    assert level(TOTAL_MS - 1025) - level(6000 - 25) == pytest.approx(-6.0, abs=0.5)
    assert rms_db(music[-240:]) < level(5000) - 40


def test_music_sits_at_its_volume_under_the_voice(voice: np.ndarray, music_file: Path) -> None:
    result = _mixed(voice, music_file, duck=False, fade_in_ms=0, fade_out_ms=0)
    assert result.music is not None
    difference = integrated_lufs(result.music, RATE) - integrated_lufs(result.voice, RATE)
    assert difference == pytest.approx(-18.0, abs=0.3)


@pytest.mark.parametrize("target", [-14.0, -16.0])
@pytest.mark.parametrize("kind", ["speech", "music", "mixed"])
def test_soundtrack_reaches_the_loudness_target(
    voice: np.ndarray, music_file: Path, target: float, kind: str
) -> None:
    source = np.zeros_like(voice) if kind == "music" else voice
    music = None if kind == "speech" else str(music_file)
    options = MixOptions(music=music, loudness_lufs=target)
    audio, rate = soundtrack(source, VOICE_RATE, options)
    assert rate == RATE and len(audio) == round(len(voice) * RATE / VOICE_RATE)
    assert integrated_lufs(audio, rate) == pytest.approx(target, abs=0.5)
    assert true_peak_dbtp(audio, rate) <= -1.0 + 1e-3


def test_a_short_bed_loops_without_clicks(tmp_path: Path, voice: np.ndarray) -> None:
    from persona.audio.bed import fit_length

    short = tmp_path / "short.wav"
    write_wav(short, music_signal(4.0, 44100), 44100)
    result = mix(voice, VOICE_RATE, MixOptions(music=str(short), duck=False, loudness_lufs=None))
    assert result.music is not None and len(result.music) == len(result.voice)
    # each loop joint is a crossfade: no step bigger than the music's own steepest
    bed = music_signal(4.0, RATE)
    looped = fit_length(bed, 3 * len(bed), RATE)
    assert len(looped) == 3 * len(bed)
    assert np.abs(np.diff(looped)).max() <= np.abs(np.diff(bed)).max() * 1.5
    assert np.array_equal(looped[:RATE], bed[:RATE])


def test_speech_intervals_come_from_phones() -> None:
    phones = (
        Phone(SILENCE, 0, 100),
        Phone("a", 100, 200),
        Phone("b", 200, 300),
        Phone(SILENCE, 300, 900),
        Phone("c", 900, 950),
    )
    assert speech_intervals(phones) == ((100, 300), (900, 950))


def test_stereo_output_and_no_loudness_target(voice: np.ndarray, music_file: Path) -> None:
    result = _mixed(voice, music_file, channels=2, loudness_lufs=None)
    assert result.audio.shape == (len(result.voice), 2)
    assert np.array_equal(result.audio[:, 0], result.audio[:, 1])
    assert true_peak_dbtp(result.audio, RATE) <= -1.0 + 1e-3
    assert result.loudness.lufs == pytest.approx(result.loudness.input_lufs, abs=0.3)


def test_voice_chain_brightens_and_cleans_the_voice(voice: np.ndarray) -> None:
    from scipy.signal import welch

    t = np.arange(len(voice)) / VOICE_RATE
    rumble = voice + np.float32(0.05) * np.sin(2 * np.pi * 30.0 * t).astype(np.float32)
    plain = mix(rumble, VOICE_RATE, MixOptions(loudness_lufs=None)).voice
    broadcast = mix(rumble, VOICE_RATE, MixOptions(loudness_lufs=None, voice_chain="broadcast"))
    freqs, before = welch(plain, RATE, nperseg=8192)
    _, after = welch(broadcast.voice, RATE, nperseg=8192)

    def band(power: np.ndarray, low: float, high: float) -> float:
        return float(10 * np.log10(power[(freqs >= low) & (freqs < high)].sum()))

    def relative(power: np.ndarray, low: float, high: float) -> float:
        return band(power, low, high) - band(power, 400, 1000)

    assert relative(after, 3000, 4500) > relative(before, 3000, 4500) + 1.5  # presence
    assert relative(after, 25, 35) < relative(before, 25, 35) - 12  # the 80 Hz high-pass


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"music_volume_db": 3.0}, "music volume .* 0 dB or less"),
        ({"music_volume_db": -90.0}, "music volume must be at least"),
        ({"loudness_lufs": 5.0}, "loudness target must be between"),
        ({"loudness_lufs": -70.0}, "loudness target must be between"),
        ({"duck_db": 60.0}, "ducking depth"),
        ({"voice_chain": "cathedral"}, "unknown voice chain 'cathedral'"),
        ({"channels": 6}, "channels must be 1 or 2"),
    ],
)
def test_bad_options_are_input_errors(options: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        MixOptions(**options)  # type: ignore[arg-type]


def test_a_missing_music_file_is_an_input_error(tmp_path: Path, voice: np.ndarray) -> None:
    missing = tmp_path / "nothing.mp3"
    with pytest.raises(AudioError, match="file not found"):
        MixOptions(music=str(missing)).check()
    with pytest.raises(AudioError, match="file not found"):
        soundtrack(voice, VOICE_RATE, MixOptions(music=str(missing)))


def test_an_unreadable_music_file_is_an_input_error(tmp_path: Path, voice: np.ndarray) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"not audio at all" * 50)
    with pytest.raises(AudioError, match="cannot read audio"):
        soundtrack(voice, VOICE_RATE, MixOptions(music=str(junk)))


def test_mix_arguments_make_options(music_file: Path) -> None:
    from persona.audio.commands import add_mix_arguments, mix_options_from_args

    parser = argparse.ArgumentParser()
    add_mix_arguments(parser)
    args = parser.parse_args(
        ["--music", str(music_file), "--music-volume", "-20", "--loudness", "-16", "--no-duck"]
    )
    options = mix_options_from_args(args)
    assert options.music == str(music_file) and options.music_volume_db == -20.0
    assert options.loudness_lufs == -16.0 and not options.duck
    assert mix_options_from_args(parser.parse_args(["--loudness", "off"])).loudness_lufs is None
    with pytest.raises(InputError, match="0 dB or less"):
        mix_options_from_args(parser.parse_args(["--music-volume", "2"]))


@pytest.mark.slow
def test_a_generated_style_makes_the_bed(voice: np.ndarray) -> None:
    options = MixOptions(music="ambient", music_seed=3)
    result = mix(voice, VOICE_RATE, options, speech_intervals=SPEECH_MS)
    assert result.music is not None and len(result.music) == len(result.voice)
    assert integrated_lufs(result.music, RATE) - integrated_lufs(result.voice, RATE) == (
        pytest.approx(-18.0, abs=1.0)  # the fades take a little off
    )
    assert integrated_lufs(result.audio, RATE) == pytest.approx(-14.0, abs=0.5)
    again = mix(voice, VOICE_RATE, options, speech_intervals=SPEECH_MS)
    assert np.array_equal(again.audio, result.audio)  # the same seed, the same soundtrack
