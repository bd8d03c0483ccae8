"""Progress reporting, passed into stages rather than printed by them.

A stage receives a :class:`Progress` and calls ``progress.update(fraction)`` with its own
completed fraction in [0, 1]. :class:`StagedProgress` splits one sink into weighted
stages so the overall fraction moves smoothly across the pipeline.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, TextIO


class Progress(Protocol):
    def update(self, fraction: float) -> None: ...


class NullProgress:
    def update(self, fraction: float) -> None:
        pass


class ProgressSink(Protocol):
    """Receives (stage, stage fraction, overall fraction) events."""

    def __call__(self, stage: str, fraction: float, overall: float) -> None: ...


@dataclass
class _StageProgress:
    parent: StagedProgress
    name: str

    def update(self, fraction: float) -> None:
        self.parent.report(self.name, fraction)


@dataclass
class StagedProgress:
    """Splits one sink into named stages with relative weights."""

    weights: Mapping[str, float]
    sink: ProgressSink
    _done: dict[str, float] = field(default_factory=dict)

    def stage(self, name: str) -> Progress:
        if name not in self.weights:
            raise KeyError(f"unknown progress stage {name!r}")
        return _StageProgress(self, name)

    def report(self, name: str, fraction: float) -> None:
        fraction = min(1.0, max(0.0, fraction))
        self._done[name] = fraction
        total = sum(self.weights.values()) or 1.0
        overall = sum(self.weights[n] * f for n, f in self._done.items()) / total
        self.sink(name, fraction, overall)


class BarSink:
    """A one-line progress bar per stage on a terminal (stderr)."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self._stage: str | None = None
        self._last = -1
        self._started = time.monotonic()

    def __call__(self, stage: str, fraction: float, overall: float) -> None:
        if stage != self._stage:
            if self._stage is not None:
                self._draw(self._stage, 1.0, final=True)
            self._stage = stage
            self._last = -1
            self._started = time.monotonic()
        self._draw(stage, fraction, final=False)

    def close(self) -> None:
        if self._stage is not None:
            self._draw(self._stage, 1.0, final=True)
            self._stage = None

    def _draw(self, stage: str, fraction: float, final: bool) -> None:
        percent = int(fraction * 100)
        if percent == self._last and not final:
            return
        self._last = percent
        filled = int(fraction * self.width)
        bar = "█" * filled + "·" * (self.width - filled)
        elapsed = time.monotonic() - self._started
        end = "\n" if final else ""
        self.stream.write(f"\r{stage:<9} {bar} {percent:3d}% {elapsed:5.1f}s{end}")
        self.stream.flush()


class JsonSink:
    """One JSON object per line on a stream: {"event": "progress", ...}."""

    def __init__(self, stream: TextIO = sys.stderr, min_step: float = 0.01) -> None:
        self.stream = stream
        self.min_step = min_step
        self._last: dict[str, float] = {}

    def __call__(self, stage: str, fraction: float, overall: float) -> None:
        last = self._last.get(stage, -1.0)
        if fraction < 1.0 and fraction - last < self.min_step:
            return
        self._last[stage] = fraction
        event = {
            "event": "progress",
            "stage": stage,
            "fraction": round(fraction, 4),
            "overall": round(overall, 4),
        }
        self.stream.write(json.dumps(event) + "\n")
        self.stream.flush()


def command_sink(
    json_events: bool, quiet: bool, stream: TextIO | None = None
) -> tuple[ProgressSink | None, BarSink | None]:
    """A command's progress sink on ``stream`` (default: the current ``sys.stderr``):
    JSON events (``--json``), else a bar unless ``quiet``; the bar is returned too, for
    the command to close."""
    stream = stream if stream is not None else sys.stderr
    if json_events:
        return JsonSink(stream), None
    if quiet:
        return None, None
    bar = BarSink(stream)
    return bar, bar
