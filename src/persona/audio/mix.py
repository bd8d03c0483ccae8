"""Voice + music → one soundtrack at the output rate, at a loudness target.

    voice ─resample→ ─voice chain (optional)────────────────────────────┐
    music ─load, loop/cut→ ─level (music_volume under the voice)→ ─fades→ ─duck→ ─┴─sum→
          ─loudness to target, true peak ≤ −1 dBTP→ soundtrack

``music_volume_db`` places the music relative to the voice: the bed's integrated loudness
is the voice's plus ``music_volume_db`` (−18: 18 LU under the voice) before ducking, so a
quiet recording and a loud song sit the same way. Ducking then lowers the music a further
``duck_db`` under speech (:mod:`persona.audio.ducking`), from a detector on the voice or
from known speech intervals (the phones' timings). Without a voice the bed is set
``music_volume_db`` under the loudness target, and the final normalization brings it up.

:func:`soundtrack` is the entry point for renders; :func:`mix` returns the stems and
measurements as well (for plots, tests and the benchmark).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from persona.audio.bed import apply_fades, check_music, load_bed
from persona.audio.ducking import (
    Ducking,
    activity_from_intervals,
    detect_speech,
    duration_ms,
    speech_intervals,
)
from persona.audio.effects import voice_chain
from persona.audio.loudness import (
    CEILING_DBTP,
    WEB_LUFS,
    LoudnessReport,
    check_target,
    db_to_gain,
    integrated_lufs,
    limit_true_peak,
    normalize_loudness,
    true_peak_dbtp,
)
from persona.errors import AudioError, InputError
from persona.progress import NullProgress, Progress
from persona.types import Phone

OUTPUT_RATE = 48000
"""The rate of every encoded audio track (``persona.media.formats.AUDIO_RATE``)."""
MIN_MUSIC_DB = -60.0
REFERENCE_LUFS = -23.0
"""Where the music sits when there is neither a voice nor a loudness target."""


@dataclass(frozen=True)
class MixOptions:
    """How a soundtrack is made; every value is checked when the object is made.

    ``music``: a style of :mod:`persona.audio.music` (``"yaman"``), the path of an audio
    file, or None for no music. ``music_volume_db`` (≤ 0): the music's loudness relative to
    the voice before ducking. ``duck``: lower the music under speech by ``duck_db``,
    falling in ``duck_attack_ms`` and rising in ``duck_release_ms``. ``fade_in_ms`` /
    ``fade_out_ms``: the music's fades at the start and end. ``loudness_lufs``: integrated
    loudness of the result (None: keep the level, only limit the true peak to
    ``true_peak_dbtp``). ``voice_chain``: a named chain of
    :data:`~persona.audio.effects.VOICE_CHAINS` for the voice (None: untouched).
    ``channels``: 1 (what the video encoder takes) or 2. ``music_seed`` and ``music_mood``
    go to the music generator.
    """

    music: str | None = None
    music_volume_db: float = -18.0
    duck: bool = True
    duck_db: float = 12.0
    duck_attack_ms: int = 60
    duck_release_ms: int = 400
    fade_in_ms: int = 1000
    fade_out_ms: int = 2000
    loudness_lufs: float | None = WEB_LUFS
    true_peak_dbtp: float = CEILING_DBTP
    voice_chain: str | None = None
    channels: int = 1
    sample_rate: int = OUTPUT_RATE
    music_seed: int = 0
    music_mood: str | None = None

    def __post_init__(self) -> None:
        if not math.isfinite(self.music_volume_db) or self.music_volume_db > 0.0:
            raise InputError(
                "music volume is relative to the voice and must be 0 dB or less "
                f"(-18 is a usual bed), not {self.music_volume_db:g}"
            )
        if self.music_volume_db < MIN_MUSIC_DB:
            raise InputError(
                f"music volume must be at least {MIN_MUSIC_DB:g} dB, not {self.music_volume_db:g}"
            )
        if self.loudness_lufs is not None:
            check_target(self.loudness_lufs, self.true_peak_dbtp)
        else:
            check_target(WEB_LUFS, self.true_peak_dbtp)
        for name in ("fade_in_ms", "fade_out_ms"):
            if not 0 <= getattr(self, name) <= 30_000:
                raise InputError(f"{name} must be 0..30000 ms, not {getattr(self, name)}")
        if self.channels not in (1, 2):
            raise InputError(f"channels must be 1 or 2, not {self.channels}")
        if not 8000 <= self.sample_rate <= 192_000:
            raise InputError(f"sample rate must be 8000..192000 Hz, not {self.sample_rate}")
        if self.voice_chain is not None:
            voice_chain(self.voice_chain)
        self.ducking()

    def ducking(self) -> Ducking:
        """The ducker these options describe (``duck_db`` 0 when ducking is off)."""
        return Ducking(
            depth_db=self.duck_db if self.duck else 0.0,
            attack_ms=self.duck_attack_ms,
            release_ms=self.duck_release_ms,
        )

    def check(self) -> MixOptions:
        """These options, after checking what needs the file system: the music file
        exists, or the style is known. Raises :class:`~persona.errors.InputError`."""
        check_music(self.music)
        return self


@dataclass(frozen=True, eq=False)
class MixResult:
    """A soundtrack with its stems (all at ``sample_rate``, the length of the voice) and
    what was measured: ``duck_gain_db`` per millisecond, seconds per stage."""

    audio: np.ndarray
    sample_rate: int
    voice: np.ndarray
    music: np.ndarray | None
    music_ducked: np.ndarray | None
    duck_gain_db: np.ndarray | None
    loudness: LoudnessReport
    timings: dict[str, float] = field(default_factory=dict)


def soundtrack(
    voice: np.ndarray,
    sample_rate: int,
    options: MixOptions | None = None,
    speech_intervals: Sequence[tuple[int, int]] | None = None,
    progress: Progress | None = None,
) -> tuple[np.ndarray, int]:
    """The finished soundtrack for ``voice`` (mono at ``sample_rate``): ``(audio, rate)``,
    with ``rate`` = ``options.sample_rate`` and the voice's duration.

    ``speech_intervals`` are (start_ms, end_ms) stretches of speech (e.g.
    :func:`persona.audio.ducking.speech_intervals` of a Speech's phones); without them
    the music ducks under what a detector hears in the voice.
    """
    result = mix(voice, sample_rate, options, speech_intervals, progress)
    return result.audio, result.sample_rate


def speech_soundtrack(
    voice: np.ndarray,
    sample_rate: int,
    options: MixOptions,
    phone_tracks: Sequence[Sequence[Phone]],
    progress: Progress | None = None,
) -> tuple[np.ndarray, int]:
    """:func:`soundtrack` for speech whose phones are known: the music ducks under the
    stretches of speech of every track in ``phone_tracks`` (one per speaker), or under
    what the detector hears when none has phones."""
    spans = sorted(span for phones in phone_tracks for span in speech_intervals(phones))
    return soundtrack(voice, sample_rate, options, spans or None, progress)


def mix(
    voice: np.ndarray,
    sample_rate: int,
    options: MixOptions | None = None,
    speech_intervals: Sequence[tuple[int, int]] | None = None,
    progress: Progress | None = None,
) -> MixResult:
    """:func:`soundtrack` with its stems and measurements."""
    opts = (options or MixOptions()).check()
    sink = progress if progress is not None else NullProgress()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str, fraction: float) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock
        clock = now
        sink.update(fraction)

    rate = opts.sample_rate
    speech = prepare_voice(voice, sample_rate, opts)
    lap("voice", 0.2)
    music = ducked = curve = None
    if opts.music is not None:
        music = load_bed(opts.music, len(speech), rate, seed=opts.music_seed, mood=opts.music_mood)
        lap("music", 0.5)
        reference = opts.loudness_lufs if opts.loudness_lufs is not None else REFERENCE_LUFS
        music = level_under(music, speech, rate, opts.music_volume_db, reference)
        music = apply_fades(music, rate, opts.fade_in_ms, opts.fade_out_ms)
        ducked, curve = _duck(music, speech, rate, opts, speech_intervals)
        lap("duck", 0.7)
    mixed = speech if ducked is None else speech + ducked
    stereo = np.repeat(mixed[:, None], 2, axis=1) if opts.channels == 2 else mixed
    audio, report = _finish(stereo, rate, opts)
    lap("loudness", 1.0)
    return MixResult(audio, rate, speech, music, ducked, curve, report, timings)


def prepare_voice(voice: np.ndarray, sample_rate: int, options: MixOptions) -> np.ndarray:
    """The voice as mono float32 at the output rate, through its chain if any."""
    from persona.media.audio import as_mono_float32, resample

    if sample_rate <= 0:
        raise AudioError(f"sample rate must be positive, not {sample_rate}")
    speech = resample(as_mono_float32(voice), sample_rate, options.sample_rate)
    if not len(speech):
        raise AudioError("the voice is empty: nothing to mix")
    if options.voice_chain is not None:
        speech = voice_chain(options.voice_chain).apply(speech, options.sample_rate)
    return speech


def level_under(
    music: np.ndarray,
    voice: np.ndarray,
    rate: int,
    volume_db: float,
    reference_lufs: float = REFERENCE_LUFS,
) -> np.ndarray:
    """``music`` with its integrated loudness ``volume_db`` from the ``voice``'s (from
    ``reference_lufs`` when the voice is silent); silent music comes back unchanged."""
    music_lufs = integrated_lufs(music, rate)
    if music_lufs == -math.inf:
        return np.asarray(music, np.float32)
    voice_lufs = integrated_lufs(voice, rate)
    if voice_lufs == -math.inf:
        voice_lufs = reference_lufs
    return np.asarray(music * db_to_gain(voice_lufs + volume_db - music_lufs), np.float32)


def _duck(
    music: np.ndarray,
    speech: np.ndarray,
    rate: int,
    options: MixOptions,
    intervals: Sequence[tuple[int, int]] | None,
) -> tuple[np.ndarray, np.ndarray | None]:
    settings = options.ducking()
    if settings.depth_db <= 0.0:
        return music, None
    if intervals is not None:
        active = activity_from_intervals(intervals, duration_ms(len(speech), rate))
    else:
        active = detect_speech(speech, rate, settings)
    return settings.apply(music, rate, active)


def _finish(audio: np.ndarray, rate: int, options: MixOptions) -> tuple[np.ndarray, LoudnessReport]:
    if options.loudness_lufs is not None:
        return normalize_loudness(audio, rate, options.loudness_lufs, options.true_peak_dbtp)
    before = integrated_lufs(audio, rate)
    limited, depth = limit_true_peak(audio, rate, options.true_peak_dbtp)
    after = integrated_lufs(limited, rate)
    peak = true_peak_dbtp(limited, rate)
    return limited, LoudnessReport(before, after, peak, 0.0, depth)
