"""``persona lipsync``: a recording (or a video's sound) → Rhubarb Lip Sync mouth cues.

    decode (PyAV) ─→ recognize (timed phones) ─→ cues (A-H, X) ─→ TSV / JSON / XML / DAT

Every option is checked before the audio is decoded, so a typo fails at once. A silent
recording needs no recognizer: its cues are one idle mouth, as Rhubarb gives.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from persona.errors import InputError, OutputPathError
from persona.lipsync.cue_formats import (
    CueSheet,
    check_dat_fps,
    check_format,
    format_cues,
    format_for_path,
)
from persona.lipsync.cues import ALL_SHAPES, cues_from_speech, parse_shapes, rest_shape
from persona.progress import JsonSink, NullProgress, Progress, ProgressSink, StagedProgress
from persona.types import SILENCE, Phone, Speech

STAGE_WEIGHTS = {"decode": 0.05, "recognize": 0.85, "animate": 0.05, "write": 0.05}

RECOGNIZER_ALIASES = {"pocketsphinx": "align"}
"""Rhubarb's recognizer names that mean one of ours."""

MIN_SPEECH_MS = 100
"""Recordings shorter than this, or silent ones, get idle cues without recognition."""


@dataclass(frozen=True)
class LipsyncOptions:
    """What ``persona lipsync`` was asked for; ``fmt=None`` follows the output's suffix."""

    fmt: str | None = None
    shapes: str = ALL_SHAPES
    dat_fps: float = 24.0
    preston_blair: bool = False
    recognizer: str = "auto"
    lang: str = "en"
    dialog: Path | None = None


@dataclass(frozen=True)
class LipsyncResult:
    text: str
    sheet: CueSheet
    fmt: str


def recognize(
    audio: np.ndarray, sample_rate: int, *, transcript: str | None, recognizer: str, lang: str
) -> Speech:
    """Timed phones for a recording (the recognizer of :mod:`persona.lipsync.recognize`)."""
    from persona.lipsync.recognize import speech_from_audio

    return speech_from_audio(
        audio, sample_rate, transcript=transcript, recognizer=recognizer, lang=lang
    )


def idle_speech(audio: np.ndarray, sample_rate: int) -> Speech | None:
    """One long silence for a recording too short or too quiet to hold speech, else None."""
    from persona.lipsync.asr import SILENT_PEAK

    duration_ms = round(len(audio) * 1000 / sample_rate)
    if duration_ms < MIN_SPEECH_MS or float(np.max(np.abs(audio), initial=0.0)) < SILENT_PEAK:
        return Speech(audio, sample_rate, (Phone(SILENCE, 0, duration_ms),))
    return None


def check_recognizer(name: str) -> str:
    key = name.strip().lower()
    key = RECOGNIZER_ALIASES.get(key, key)
    if key not in ("auto", "align", "phonetic"):
        raise InputError(f"unknown recognizer {name!r}: use auto, align or phonetic")
    return key


def lipsync_file(
    audio_path: Path,
    output: Path | None,
    options: LipsyncOptions,
    sink: ProgressSink | None = None,
) -> LipsyncResult:
    """Cues for the recording at ``audio_path``, written to ``output`` when given."""
    fmt = check_format(options.fmt or (format_for_path(output) if output else "tsv"))
    shapes = parse_shapes(options.shapes)
    check_dat_fps(options.dat_fps)
    recognizer = check_recognizer(options.recognizer)
    transcript = read_dialog(options.dialog) if options.dialog else None
    if output is not None:
        check_output(output)
    staged = StagedProgress(STAGE_WEIGHTS, sink) if sink else None

    def stage(name: str) -> Progress:
        return staged.stage(name) if staged else NullProgress()

    from persona.media.audio import read_audio_file

    stage("decode").update(0.0)
    audio, rate = read_audio_file(audio_path)
    stage("decode").update(1.0)
    stage("recognize").update(0.0)
    speech = idle_speech(audio, rate) or recognize(
        audio, rate, transcript=transcript, recognizer=recognizer, lang=options.lang
    )
    stage("recognize").update(1.0)
    cues = cues_from_speech(speech, shapes)
    stage("animate").update(1.0)
    duration_ms = cues[-1].end_ms if cues else 0
    sheet = CueSheet(cues, duration_ms, str(audio_path.absolute()), rest_shape(shapes))
    text = format_cues(sheet, fmt, dat_fps=options.dat_fps, preston_blair=options.preston_blair)
    if output is not None:
        write_text(output, text)
    stage("write").update(1.0)
    return LipsyncResult(text=text, sheet=sheet, fmt=fmt)


def read_dialog(path: Path) -> str:
    """The dialog text of ``-d``: a UTF-8 (or ASCII) text file that says something."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"cannot read dialog {path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read dialog {path}: not a UTF-8 text file") from exc
    except OSError as exc:
        raise InputError(f"cannot read dialog {path}: {exc.strerror or exc}") from exc
    if not text.strip():
        raise InputError(f"dialog {path} is empty")
    return text


def check_output(path: Path) -> None:
    """Fail now, not after recognition, when ``path`` cannot be written."""
    from persona.media.output import ensure_file_writable

    ensure_file_writable(path)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in one step: readers never see half a file."""
    from persona.media.output import create_temp_beside, discard, publish

    temp = create_temp_beside(path)
    try:
        temp.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        discard(temp)
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc
    publish(temp, path)


def write_cues_for_speech(path: Path, speech: Speech, sound_file: Path) -> CueSheet:
    """Write the cues of ``speech`` (as a render spoke it) to ``path``, format by suffix."""
    cues = cues_from_speech(speech)
    sheet = CueSheet(cues, cues[-1].end_ms if cues else 0, str(sound_file.absolute()))
    write_text(path, format_cues(sheet, format_for_path(path)))
    return sheet


class EventWriter:
    """``--machine-readable``: one JSON object per line on stderr, progress included."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr  # looked up now: tests and callers redirect it
        self.progress = JsonSink(self.stream)

    def emit(self, event: str, **fields: object) -> None:
        self.stream.write(json.dumps({"event": event, **fields}) + "\n")
        self.stream.flush()


def run_command(
    audio: str, output: str | None, options: LipsyncOptions, machine_readable: bool
) -> int:
    """The body of ``persona lipsync``; errors propagate to the CLI's handler."""
    events = EventWriter() if machine_readable else None
    out = Path(output) if output else None
    if events:
        events.emit("start", file=audio)
    try:
        result = lipsync_file(Path(audio), out, options, events.progress if events else None)
    except Exception as exc:  # reported as an event, then handled by the CLI
        if events:
            events.emit("failure", reason=str(exc))
        raise
    if out is None:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    if events:
        events.emit(
            "done",
            output=str(out) if out else None,
            format=result.fmt,
            cues=len(result.sheet.cues),
            duration_s=result.sheet.duration_ms / 1000,
        )
    elif out is not None:
        print(f"wrote {out} ({len(result.sheet.cues)} cues)")
    return 0
