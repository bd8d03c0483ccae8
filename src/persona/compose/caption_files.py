"""Reading caption files people bring: SRT and WebVTT, e.g. a translation of the
captions a render wrote, to be muxed as another language's track."""

from __future__ import annotations

import re
from pathlib import Path

from persona.compose.captions import CaptionWord, Cue, CueLine
from persona.errors import InputError

_TIMING = re.compile(
    r"^\s*(\d+:)?(\d{1,2}):(\d{2})[,.](\d{3})\s*-->\s*(\d+:)?(\d{1,2}):(\d{2})[,.](\d{3})"
)
_TAGS = re.compile(r"<[^>]*>")


def read_caption_file(path: str | Path) -> tuple[Cue, ...]:
    """The cues of an ``.srt`` or ``.vtt`` file (text and times; tags and cue settings
    dropped). :class:`InputError` for a missing, unreadable or cue-less file."""
    path = Path(path)
    if path.suffix.lower() not in (".srt", ".vtt"):
        raise InputError(f"caption file {path} must be .srt or .vtt")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read caption file {path}: {exc}") from exc
    cues = parse_captions(text)
    if not cues:
        raise InputError(f"caption file {path} holds no cues")
    return cues


def parse_captions(text: str) -> tuple[Cue, ...]:
    """The cues of SRT or WebVTT ``text``: blocks separated by blank lines, each with a
    ``start --> end`` line followed by the cue's lines (numbers and notes ignored)."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        timing = next((k for k, line in enumerate(lines) if _TIMING.match(line)), None)
        if timing is None:
            continue  # WEBVTT header, NOTE, STYLE or a stray block
        start, end = _times(lines[timing])
        shown = [_TAGS.sub("", line).strip() for line in lines[timing + 1 :]]
        cue_lines = tuple(
            CueLine(tuple(CaptionWord(w, start, start) for w in line.split()))
            for line in shown
            if line
        )
        if cue_lines and end > start:
            cues.append(Cue(start, end, cue_lines))
    return tuple(cues)


def _times(line: str) -> tuple[int, int]:
    m = _TIMING.match(line)
    assert m is not None
    g = m.groups()
    return _ms(g[0], g[1], g[2], g[3]), _ms(g[4], g[5], g[6], g[7])


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    h = int(hours[:-1]) if hours else 0
    return ((h * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)
