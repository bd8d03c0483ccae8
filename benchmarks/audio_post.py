"""Audio post-production, measured: a 60 s voice mixed with generated music.

    .venv/bin/python benchmarks/audio_post.py                       # joe + yaman, -14 LUFS
    .venv/bin/python benchmarks/audio_post.py --music lofi --loudness -16
    .venv/bin/python benchmarks/audio_post.py --lang hi --plot levels.png --wav mix.wav

A script of about 60 s is spoken (Piper ``joe`` for English, eSpeak NG otherwise; not
timed as post-production), then mixed twice: ducking from a detector on the voice, and
ducking from the phones' speech intervals. It prints the seconds of every stage (music
generation, voice preparation, levelling and ducking, loudness), the integrated loudness
and true peak of the result (measured afresh with pyloudnorm and 4× oversampling), and
the ducking depth: how much lower the music stem sits during speech than in the pauses
after ducking, minus the same difference before ducking (so the music's own swells do
not count); the deepest gain reduction of the true-peak limiter and the share of the
time it pulls the mix down by more than 3 dB. ``--plot`` draws the voice, the music
before and after ducking and the gain.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from persona.audio.mix import MixResult

SCRIPT = (
    "Welcome to Persona Studio. Today we look at how a soundtrack comes together. "
    "First the voice is spoken, then the music is composed to fit underneath it. "
    "[pause 1.5s] "
    "When the narrator talks, the music steps back, and in the pauses it comes forward "
    "again, so the words stay clear and the silence never feels empty. "
    "The whole mix is then brought to a loudness that web players expect, and no peak "
    "is allowed over minus one decibel true peak. "
    "[pause 2s] "
    "Good music under a voice should be felt more than heard. It sets the mood, it "
    "carries the listener from one idea to the next, and it fills the gaps between "
    "sentences. Too loud, and it fights with the words. Too quiet, and it disappears. "
    "[pause 1.5s] "
    "Ducking solves this. A detector listens to the voice, and whenever it hears speech, "
    "the music is turned down by about twelve decibels. The change is quick on the way "
    "down, so the first syllable is never masked, and slow on the way up, so the music "
    "does not pump between words. "
    "[pause 2s] "
    "Finally, the loudness meter measures the finished mix the way broadcasters do, and "
    "a limiter catches the few peaks that would otherwise clip. Thank you for listening."
)
HINDI = (
    "नमस्ते, पर्सोना स्टूडियो में आपका स्वागत है। आज हम देखेंगे कि आवाज़ और संगीत एक साथ "
    "कैसे मिलते हैं। [pause 1.5s] जब वक्ता बोलता है, संगीत धीमा हो जाता है, और विराम में "
    "फिर से उभरता है। [pause 2s] "
)


def speak(lang: str, seconds: float) -> tuple[np.ndarray, int, tuple[tuple[int, int], ...]]:
    """About ``seconds`` of speech (the script repeated) and its speech intervals."""
    from persona.audio.ducking import speech_intervals
    from persona.script import parse_script
    from persona.voice import get_voice, synthesize_script

    text = SCRIPT if lang == "en" else HINDI
    voice = get_voice(None, lang)
    speech = synthesize_script(parse_script(text, lang), voice)
    parts = [speech]
    while sum(p.duration_ms for p in parts) < seconds * 1000:
        parts.append(speech)
    from persona.voice.synth import join_speech

    joined = join_speech(parts, [1000] * len(parts))
    cut = round(seconds * joined.sample_rate)
    intervals = tuple(
        (a, min(b, round(seconds * 1000))) for a, b in speech_intervals(joined.phones)
    )
    return joined.audio[:cut], joined.sample_rate, tuple(i for i in intervals if i[0] < i[1])


def depth_db(music: np.ndarray, ducked: np.ndarray, active: np.ndarray, rate: int) -> float:
    """Level of the ducked stem in speech minus in pauses, minus the same before ducking
    (50 ms windows; speech and pause windows at least 300 ms from a change)."""
    from persona.audio.ducking import hold, shift_earlier

    hop = rate // 20
    n = len(music) // hop
    core_speech = ~shift_earlier(hold(~active, 300), 300)
    core_pause = ~shift_earlier(hold(active, 700), 300)
    at = np.arange(n) * 50 + 25
    speech_windows, pause_windows = core_speech[at], core_pause[at]

    def level(audio: np.ndarray, windows: np.ndarray) -> float:
        frames = audio[: n * hop].reshape(n, hop).astype(np.float64)
        return float(10 * np.log10(np.mean(frames[windows] ** 2) + 1e-20))

    before = level(music, speech_windows) - level(music, pause_windows)
    after = level(ducked, speech_windows) - level(ducked, pause_windows)
    return after - before


def limited_share(result: MixResult, db: float) -> float:
    """Share of the time the true-peak limiter pulled the mix down by more than ``db``."""
    from persona.audio.loudness import db_to_gain, limiter_gain, oversampled_peaks

    before = result.voice + (result.music_ducked if result.music_ducked is not None else 0.0)
    scale = db_to_gain(result.loudness.gain_db)
    peaks = oversampled_peaks(np.asarray(before, np.float64)[:, None] * scale)
    gain = limiter_gain(peaks, result.sample_rate, db_to_gain(-1.0) * 0.999)
    return float(np.mean(gain < db_to_gain(-db)))


def plot(path: Path, result: MixResult) -> None:
    """The voice, the music's level before and after ducking, and the gain curve."""
    voice, music, ducked, gain = (
        result.voice,
        result.music,
        result.music_ducked,
        result.duck_gain_db,
    )
    assert music is not None and ducked is not None and gain is not None
    rate = result.sample_rate
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from persona.audio.ducking import level_db

    t = np.arange(len(voice)) / rate
    ms = np.arange(len(gain)) / 1000
    fig, axes = plt.subplots(3, 1, figsize=(14, 8), sharex=True)
    axes[0].plot(t[::20], voice[::20], lw=0.3, color="#335")
    axes[0].set_ylabel("voice")
    axes[1].plot(ms, level_db(music, rate, 50), lw=0.7, label="music before ducking", color="#c84")
    axes[1].plot(ms, level_db(ducked, rate, 50), lw=0.7, label="after ducking", color="#36a")
    axes[1].plot(ms, level_db(voice, rate, 50), lw=0.5, label="voice", color="#999", alpha=0.6)
    axes[1].set_ylim(-80, 0)
    axes[1].set_ylabel("level (dBFS, 50 ms RMS)")
    axes[1].legend(loc="lower right", fontsize=8)
    axes[2].plot(ms, gain, lw=0.8, color="#a33")
    axes[2].set_ylabel("music gain (dB)")
    axes[2].set_xlabel("seconds")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def measure(result: MixResult, intervals: tuple[tuple[int, int], ...]) -> tuple[float, ...]:
    """(LUFS, dBTP, ducking depth dB, deepest limiting dB, share limited > 3 dB)."""
    from persona.audio.ducking import activity_from_intervals, duration_ms
    from persona.audio.loudness import integrated_lufs, true_peak_dbtp

    rate = result.sample_rate
    active = activity_from_intervals(intervals, duration_ms(len(result.voice), rate))
    assert result.music is not None and result.music_ducked is not None
    return (
        integrated_lufs(result.audio, rate),
        true_peak_dbtp(result.audio, rate),
        -depth_db(result.music, result.music_ducked, active, rate),
        result.loudness.limited_db,
        limited_share(result, 3.0),
    )


def main() -> None:
    from persona.audio.mix import MixOptions, mix

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--music", default="yaman")
    parser.add_argument("--loudness", type=float, default=-14.0)
    parser.add_argument("--voice-chain", default=None)
    parser.add_argument("--plot", type=Path, default=None)
    parser.add_argument("--wav", type=Path, default=None)
    args = parser.parse_args()

    t = time.perf_counter()
    voice, rate, intervals = speak(args.lang, args.seconds)
    print(f"speech: {len(voice) / rate:.1f} s at {rate} Hz in {time.perf_counter() - t:.1f} s")
    options = MixOptions(
        music=args.music, loudness_lufs=args.loudness, voice_chain=args.voice_chain
    )
    mix(voice[: 3 * rate], rate, options)  # imports and first calls: not timed
    mix(voice, rate, replace(options, music=None))
    rows = []
    for mode, given in (("detector", None), ("intervals", intervals)):
        t = time.perf_counter()
        result = mix(voice, rate, options, speech_intervals=given)
        total = time.perf_counter() - t
        rows.append((mode, result.timings, total, *measure(result, intervals)))
    _table(rows, args)
    if args.plot is not None:
        plot(args.plot, result)
        print(f"plot: {args.plot}")
    if args.wav is not None:
        from persona.media import write_wav

        write_wav(args.wav, result.audio, result.sample_rate)
        print(f"wav: {args.wav}")


def _table(rows: list[tuple], args: argparse.Namespace) -> None:
    stages = ("voice", "music", "duck", "loudness")
    print(
        f"\n{args.seconds:.0f} s voice + music {args.music!r}, target {args.loudness:g} LUFS"
        f", voice chain {args.voice_chain}\n"
    )
    header = f"{'ducking from':<12}" + "".join(f"{s + ' s':>11}" for s in stages)
    columns = ("total s", 9), ("LUFS", 8), ("dBTP", 7), ("duck dB", 9), ("limit dB", 10)
    print(header + "".join(f"{name:>{width}}" for name, width in columns) + f"{'>3 dB %':>9}")
    for mode, timings, total, lufs, peak, depth, limited, busy in rows:
        cells = "".join(f"{timings.get(s, 0.0):>11.2f}" for s in stages)
        print(
            f"{mode:<12}{cells}{total:>9.2f}{lufs:>8.2f}{peak:>7.2f}{depth:>9.2f}"
            f"{limited:>10.2f}{100 * busy:>9.2f}"
        )


if __name__ == "__main__":
    main()
