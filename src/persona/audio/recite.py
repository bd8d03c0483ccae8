"""Recitation: slokas, sahasranamas and poems chanted on one tone over a tanpura drone.

    text ─parse_verses→ lines ─eSpeak NG, slower→ Speech per line ─ChantTransform (tonic,
         degrees; a falling cadence at verse ends)→ ─join with the verse pauses→ chant
    chant ─resample→ ─lead-in and tail→ ─voice chain (reverb)→ ─┐
    tanpura_drone(tonic) ─level under the voice→ ─fades→ ─┴─sum→ ─loudness→ Recitation

The tonic (Sa) is the drone's and the chant's: given as a note (``"C#"``, ``"D3"``) or,
by default, the note nearest the voice's own median pitch, so the voice moves least. The
drone starts :attr:`ReciteOptions.lead_in_ms` before the first line, as a tanpura does,
and rings on after the last. Sanskrit is read with the Hindi voice of eSpeak NG (it has
no Sanskrit voice, so ``lang="sa"`` means the Hindi voice); other Indian languages use
their own eSpeak NG voices.

:meth:`Recitation.as_speech` is the whole soundtrack with the chanted phones in place,
ready for :func:`persona.pipeline.render_speech` to make a video of an avatar reciting.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from persona.audio.bed import apply_fades
from persona.audio.chant import DEFAULT_DEGREES, ChantTransform
from persona.audio.effects import pad_tail, voice_chain
from persona.audio.loudness import WEB_LUFS, LoudnessReport, check_target, normalize_loudness
from persona.audio.mix import OUTPUT_RATE, level_under
from persona.audio.verses import PAUSES_MS, Line, parse_verses
from persona.errors import InputError
from persona.progress import NullProgress, Progress
from persona.types import SILENCE, Phone, Speech, Word

if TYPE_CHECKING:
    from persona.voice.base import Voice

MIN_RATE, MAX_RATE = 0.5, 1.2
SANSKRIT = ("sa", "san")
"""Language codes of Sanskrit, which eSpeak NG has no voice for: the Hindi voice reads it."""
DRONE_FADE_IN_MS = 1500


@dataclass(frozen=True)
class ReciteOptions:
    """How verses are recited.

    ``rate``: the speaking rate (0.8: slower than speech). ``tonic``: Sa as a note name
    or MIDI pitch, None for the note nearest the voice. ``degrees``: the tones the chant
    may take (semitones from Sa); ``flatten``: how much of the speech's own intonation
    survives before snapping (0..1). ``drone_volume_db``: the drone's loudness relative
    to the voice (None: no drone). ``reverb``: a preset of
    :data:`~persona.audio.effects.REVERB_PRESETS` or None. ``pauses_ms``: pauses after a
    line, a half-verse and a verse. ``loudness_lufs``: the result's loudness.
    """

    lang: str = "hi"
    voice: str | None = None
    rate: float = 0.8
    tonic: str | int | None = None
    degrees: tuple[float, ...] = DEFAULT_DEGREES
    flatten: float = 0.3
    drone_volume_db: float | None = -8.0
    voice_chain: str | None = "temple"
    pauses_ms: tuple[tuple[str, int], ...] = tuple(PAUSES_MS.items())
    lead_in_ms: int = 2500
    tail_ms: int = 3000
    loudness_lufs: float = WEB_LUFS
    sample_rate: int = OUTPUT_RATE
    seed: int = 0

    @property
    def speech_lang(self) -> str:
        """The language of the voice that speaks: Hindi for Sanskrit, else ``lang``."""
        return "hi" if self.lang.strip().lower() in SANSKRIT else self.lang

    def __post_init__(self) -> None:
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise InputError(f"recitation rate must be {MIN_RATE}..{MAX_RATE}, not {self.rate}")
        if self.drone_volume_db is not None and not -40.0 <= self.drone_volume_db <= 0.0:
            raise InputError(
                f"drone volume is relative to the voice: -40..0 dB, not {self.drone_volume_db}"
            )
        if self.voice_chain is not None:
            voice_chain(self.voice_chain)
        if not 0 <= self.lead_in_ms <= 30_000 or not 0 <= self.tail_ms <= 30_000:
            raise InputError("lead-in and tail must be 0..30000 ms")
        check_target(self.loudness_lufs)
        if self.tonic is not None:
            tonic_pitch(self.tonic)
        ChantTransform(degrees=self.degrees, flatten=self.flatten)  # checks both


@dataclass(frozen=True, eq=False)
class Recitation:
    """A recitation: the finished ``audio`` (mono at ``sample_rate``), the dry chanted
    voice as a Speech (its own rate, with phones and words), where that voice starts in
    ``audio``, the lines recited and the tonic (MIDI pitch)."""

    audio: np.ndarray
    sample_rate: int
    chant: Speech
    voice_offset_ms: int
    lines: tuple[Line, ...]
    tonic: int
    loudness: LoudnessReport
    timings: dict[str, float] = field(default_factory=dict)

    def as_speech(self) -> Speech:
        """The finished audio with the chant's phones and words moved to where the voice
        sounds in it (silence before and after): what a video render lip-syncs to."""
        from persona.voice.synth import tile

        offset = self.voice_offset_ms
        total = round(len(self.audio) * 1000 / self.sample_rate)
        phones = [Phone(SILENCE, 0, offset)] + [
            Phone(p.symbol, p.start_ms + offset, p.end_ms + offset, p.stress)
            for p in self.chant.phones
        ]
        words = tuple(
            Word(w.text, w.start_ms + offset, w.end_ms + offset) for w in self.chant.words
        )
        return Speech(self.audio, self.sample_rate, tile(phones, total), words)


def tonic_pitch(tonic: str | int) -> int:
    """``tonic`` as a MIDI pitch (see :func:`persona.audio.music.theory.parse_tonic`)."""
    from persona.audio.music.theory import parse_tonic

    return parse_tonic(tonic)


def nearest_pitch(hz: float) -> int:
    """The MIDI pitch nearest ``hz``."""
    return round(69 + 12 * math.log2(hz / 440.0))


def recite(
    text: str, options: ReciteOptions | None = None, progress: Progress | None = None
) -> Recitation:
    """Recite ``text`` (see the module docstring). Raises
    :class:`~persona.errors.InputError` for empty text, an unknown language, voice,
    tonic or preset."""
    from persona.voice import get_voice

    opts = options or ReciteOptions()
    sink = progress if progress is not None else NullProgress()
    lines = parse_verses(text, dict(opts.pauses_ms))
    voice = get_voice(opts.voice, opts.speech_lang)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    spoken = [_speak(line.text, voice, opts.rate) for line in lines]
    timings["speech"] = time.perf_counter() - t
    sink.update(0.2)
    t = time.perf_counter()
    tonic = tonic_pitch(opts.tonic) if opts.tonic is not None else _voice_pitch(spoken)
    chant = _chanted(spoken, lines, tonic, opts, sink)
    timings["chant"] = time.perf_counter() - t
    t = time.perf_counter()
    audio, report = _mixed(chant, tonic, opts)
    timings["mix"] = time.perf_counter() - t
    sink.update(1.0)
    return Recitation(
        audio, opts.sample_rate, chant, opts.lead_in_ms, lines, tonic, report, timings
    )


def _speak(text: str, voice: Voice, rate: float) -> Speech:
    from persona.voice.base import get_engine
    from persona.voice.synth import speak

    return speak(get_engine(voice.engine), text, voice, speed=rate)


def _voice_pitch(parts: list[Speech]) -> int:
    """The MIDI pitch nearest the median F0 of all ``parts``; C#3 when none is voiced."""
    from persona.voice.pitch import track_f0

    tracks = [track_f0(p.audio, p.sample_rate) for p in parts if len(p.audio)]
    voiced = np.concatenate([f[f > 0] for f in tracks]) if tracks else np.zeros(0)
    return nearest_pitch(float(np.median(voiced))) if len(voiced) else tonic_pitch("C#3")


def _chanted(
    parts: list[Speech], lines: tuple[Line, ...], tonic: int, opts: ReciteOptions, sink: Progress
) -> Speech:
    from persona.audio.music.theory import midi_to_hz
    from persona.voice.synth import join_speech

    chanted = []
    for k, (part, line) in enumerate(zip(parts, lines, strict=True)):
        cadence = min(opts.degrees) if line.ends == "verse" else None
        transform = ChantTransform(
            tonic_hz=midi_to_hz(tonic),
            degrees=opts.degrees,
            flatten=opts.flatten,
            cadence_st=cadence,
        )
        chanted.append(transform.apply(part))
        sink.update(0.2 + 0.6 * (k + 1) / len(parts))
    return join_speech(chanted, [line.pause_after_ms for line in lines])


def _mixed(chant: Speech, tonic: int, opts: ReciteOptions) -> tuple[np.ndarray, LoudnessReport]:
    """The chant with its lead-in, tail and reverb, over the drone, at the target."""
    from persona.media.audio import as_mono_float32, resample

    rate = opts.sample_rate
    voice = resample(chant.audio, chant.sample_rate, rate)
    lead = np.zeros(round(opts.lead_in_ms * rate / 1000), np.float32)
    voice = pad_tail(np.concatenate([lead, voice]), rate, opts.tail_ms)
    if opts.voice_chain is not None:
        voice = voice_chain(opts.voice_chain).apply(voice, rate)
    total = voice
    if opts.drone_volume_db is not None:
        from persona.audio.music import tanpura_drone

        drone = as_mono_float32(tanpura_drone(tonic, len(voice) / rate, rate, seed=opts.seed))
        drone = level_under(drone[: len(voice)], voice, rate, opts.drone_volume_db)
        drone = apply_fades(drone, rate, DRONE_FADE_IN_MS, opts.tail_ms)
        total = voice + np.pad(drone, (0, len(voice) - len(drone)))
    return normalize_loudness(total, rate, opts.loudness_lufs)
