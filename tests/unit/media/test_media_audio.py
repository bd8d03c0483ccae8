import itertools
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
import pytest
from scipy.signal import resample_poly

from persona.errors import AudioError
from persona.media.audio import (
    ResampledAudio,
    as_mono_float32,
    read_audio_file,
    resample,
    write_wav,
)
from persona.media.probe import probe


def _tone(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def test_as_mono_float32_converts_ints_and_channels() -> None:
    pcm = np.array([0, 16384, -32768], np.int16)
    np.testing.assert_allclose(as_mono_float32(pcm), [0.0, 0.5, -1.0], atol=1e-4)
    unsigned = np.array([128, 0, 192], np.uint8)
    np.testing.assert_allclose(as_mono_float32(unsigned), [0.0, -1.0, 0.5], atol=1e-6)
    stereo = np.array([[0.2, 0.4], [1.0, -1.0]], np.float64)
    out = as_mono_float32(stereo)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0.3, 0.0], atol=1e-6)
    np.testing.assert_array_equal(as_mono_float32(np.array([2.0, -3.0])), [1.0, -1.0])


@pytest.mark.parametrize(
    "bad",
    [
        np.array([0.0, np.nan]),
        np.zeros((2, 2, 2)),
        np.zeros((2, 500)),  # channels first
        np.array(["a", "b"]),
        np.array([[True], [False]]),
    ],
)
def test_as_mono_float32_rejects_unusable_audio(bad: np.ndarray) -> None:
    with pytest.raises(AudioError):
        as_mono_float32(bad)


def test_resample_changes_length_and_keeps_pitch() -> None:
    out = resample(_tone(22050, 1.0), 22050, 48000)
    assert len(out) == 48000
    spectrum = np.abs(np.fft.rfft(out))
    assert abs(np.argmax(spectrum) * 48000 / len(out) - 440) < 2


@pytest.mark.parametrize(("src", "dst"), [(22050, 48000), (44100, 48000), (16000, 48000)])
def test_resampled_blocks_equal_whole_signal_resampling(src: int, dst: int) -> None:
    audio = np.random.default_rng(0).uniform(-0.5, 0.5, int(src * 0.7)).astype(np.float32)
    whole = resample_poly(audio, *_reduced(src, dst)).astype(np.float32)
    view = ResampledAudio(audio, src, dst)
    assert view.length == len(whole)
    edges = [0, 1, 1023, 1024, 5000, 9600, 20000, len(whole) - 7, len(whole), len(whole) + 3000]
    for start, stop in itertools.pairwise(edges):
        got = view.read(start, stop)
        assert len(got) == stop - start
        expected = np.zeros(stop - start, np.float32)
        part = whole[start:stop]
        expected[: len(part)] = part
        np.testing.assert_allclose(got, expected, atol=2e-6)


def _reduced(src: int, dst: int) -> tuple[int, int]:
    g = np.gcd(src, dst)
    return dst // g, src // g


def test_resampled_view_at_the_same_rate_pads_with_silence() -> None:
    view = ResampledAudio(np.ones(10, np.float32), 48000, 48000)
    np.testing.assert_array_equal(view.read(8, 12), [1, 1, 0, 0])


def test_wav_round_trip(tmp_path: Path) -> None:
    audio = _tone(22050, 0.5)
    write_wav(tmp_path / "a.wav", audio, 22050)
    info = probe(tmp_path / "a.wav")
    assert (info.container, info.audio_codec, info.sample_rate, info.channels) == (
        "wav",
        "pcm_s16le",
        22050,
        1,
    )
    assert info.audio_duration_s == pytest.approx(0.5, abs=1e-3)
    assert info.video_codec is None
    back, rate = read_audio_file(tmp_path / "a.wav")
    assert rate == 22050
    np.testing.assert_allclose(back, audio, atol=1 / 16000)
    resampled, rate = read_audio_file(tmp_path / "a.wav", sample_rate=16000)
    assert rate == 16000
    assert len(resampled) == 8000


def _encode_stereo(path: Path, codec: str, audio: np.ndarray, rate: int) -> None:
    with av.open(str(path), "w") as out:
        stream = cast(av.AudioStream, out.add_stream(codec, rate=rate))
        stream.layout = "stereo"
        fmt = (stream.codec_context.codec.audio_formats or [])[0].name
        stereo = np.stack([audio, audio])
        if not fmt.endswith("p"):
            stereo = stereo.T.reshape(1, -1)
        if fmt.startswith("s16"):
            stereo = np.round(stereo * 32767).astype(np.int16)
        elif fmt.startswith("s32"):
            stereo = np.round(stereo * 2**31 * 0.999).astype(np.int32)
        frame = av.AudioFrame.from_ndarray(stereo, format=fmt, layout="stereo")
        frame.sample_rate = rate
        frame.pts = 0
        frame.time_base = Fraction(1, rate)
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


@pytest.mark.parametrize(
    ("suffix", "codec", "rate"),
    [(".flac", "flac", 44100), (".mp3", "libmp3lame", 44100), (".ogg", "libopus", 48000)],
)
def test_compressed_uploads_decode_to_mono(
    tmp_path: Path, suffix: str, codec: str, rate: int
) -> None:
    audio = _tone(rate, 0.5, hz=1000)
    path = tmp_path / f"a{suffix}"
    _encode_stereo(path, codec, audio, rate)
    back, got_rate = read_audio_file(path)
    assert got_rate == rate
    assert abs(len(back) - len(audio)) < 2 * 1152 + 1105  # mp3 adds codec delay and padding
    assert abs(np.sqrt(np.mean(back**2)) - np.sqrt(np.mean(audio**2))) < 0.02


def test_missing_corrupt_and_silent_files_raise_audio_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not found"):
        read_audio_file(tmp_path / "nope.wav")
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"\x00not audio at all" * 50)
    with pytest.raises(AudioError, match="cannot read audio"):
        read_audio_file(junk)
    empty = tmp_path / "empty.wav"
    write_wav(empty, np.zeros(0, np.float32), 16000)
    with pytest.raises(AudioError, match="empty"):
        read_audio_file(empty)
