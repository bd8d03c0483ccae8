"""Rhubarb Lip Sync's cue files: TSV, JSON, XML and Moho's DAT, written and read.

The writers produce what Rhubarb Lip Sync 1.14 writes, byte for byte, so every tool that
reads Rhubarb's output (Moho, OpenToonz, Spine, After Effects and Blender plug-ins, game
engine importers) reads ours:

* ``tsv``: ``seconds<TAB>shape`` per cue, seconds with two decimals; a last line at the
  end of the recording shows the idle mouth (X, or A without X).
* ``json``: ``{"metadata": {"soundFile", "duration"}, "mouthCues": [{"start", "end",
  "value"}]}``, laid out as Rhubarb lays it out, non-ASCII escaped as ``\\uXXXX``.
* ``xml``: ``<rhubarbResult>`` with ``<metadata>`` and ``<mouthCue start end>`` elements.
* ``dat``: Moho switch data: a ``MohoSwitch1`` line, then ``frame shape`` lines with
  1-based frame numbers at the chosen frame rate (24-100 fps); a cue that starts in the
  same frame as the one before it is left out; shape names may be Preston Blair's.

Each reader takes what its writer wrote and gives back the same :class:`CueSheet`, so
``format_cues(parse_cues(text, f), f) == text``. A DAT file keeps only frame times: its
cues come back starting at the first whole centisecond of their frame.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from xml.sax.saxutils import escape

from persona.errors import InputError
from persona.lipsync.shapes import ALL_SHAPES, TICK_MS, Cue

FORMATS = ("tsv", "json", "xml", "dat")

SUFFIX_FORMATS = {".tsv": "tsv", ".txt": "tsv", ".json": "json", ".xml": "xml", ".dat": "dat"}
"""Output suffixes that choose a format (``.txt`` is what Rhubarb's examples use for TSV)."""

PRESTON_BLAIR = {
    "A": "MBP",
    "B": "etc",
    "C": "E",
    "D": "AI",
    "E": "O",
    "F": "U",
    "G": "FV",
    "H": "L",
    "X": "rest",
}
"""Preston Blair's names for the shapes, as Moho and OpenToonz mouth switches use them."""

MIN_DAT_FPS = 24.0
MAX_DAT_FPS = 100.0
"""Frame rates a DAT file may use: below 24 fps cues get lost, above 100 nothing gains."""

_XML_HEADER = '<?xml version="1.0" encoding="utf-8"?>'


@dataclass(frozen=True)
class CueSheet:
    """The cues of one recording, with what the file formats store besides them.

    ``duration_ms`` is the recording's length (where the last TSV line goes); ``rest`` is
    the idle shape that closes a TSV or DAT file (X, or A for characters without X).
    """

    cues: tuple[Cue, ...]
    duration_ms: int
    sound_file: str = ""
    rest: str = "X"


def format_for_path(path: str | Path, default: str = "tsv") -> str:
    """The format an output path's suffix asks for, else ``default``."""
    return SUFFIX_FORMATS.get(Path(path).suffix.lower(), default)


def check_format(fmt: str) -> str:
    """``fmt`` in lower case, or :class:`InputError` if it is not one of :data:`FORMATS`."""
    name = fmt.lower()
    if name not in FORMATS:
        raise InputError(f"unknown cue format {fmt!r}; formats are {', '.join(FORMATS)}")
    return name


def check_dat_fps(fps: float) -> float:
    if not (math.isfinite(fps) and MIN_DAT_FPS <= fps <= MAX_DAT_FPS):
        raise InputError(
            f"DAT frame rate must be between {MIN_DAT_FPS:g} and {MAX_DAT_FPS:g} fps, not {fps:g}"
        )
    return fps


def format_cues(
    sheet: CueSheet, fmt: str, *, dat_fps: float = 24.0, preston_blair: bool = False
) -> str:
    """``sheet`` as the text of a ``fmt`` file (see the module docstring)."""
    name = check_format(fmt)
    if name == "tsv":
        return format_tsv(sheet)
    if name == "json":
        return format_json(sheet)
    if name == "xml":
        return format_xml(sheet)
    return format_dat(sheet, dat_fps, preston_blair=preston_blair)


def parse_cues(
    text: str, fmt: str, *, dat_fps: float = 24.0, preston_blair: bool | None = None
) -> CueSheet:
    """Read a ``fmt`` file's text. Raises :class:`InputError` when it is not one."""
    name = check_format(fmt)
    try:
        if name == "tsv":
            return parse_tsv(text)
        if name == "json":
            return parse_json(text)
        if name == "xml":
            return parse_xml(text)
        return parse_dat(text, dat_fps, preston_blair=preston_blair)
    except (ValueError, KeyError, TypeError, IndexError, ET.ParseError) as exc:
        raise InputError(f"not a valid {name} cue file: {exc}") from exc


def seconds(ms: int) -> str:
    """Milliseconds as Rhubarb writes times: seconds with two decimals."""
    return f"{ms / 1000:.2f}"


def _ms(text: str | float) -> int:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"bad time {text!r}")
    return round(value * 1000)


def _shape(name: str) -> str:
    if len(name) != 1 or name not in ALL_SHAPES:
        raise ValueError(f"unknown mouth shape {name!r}")
    return name


def _cues_or_dummy(sheet: CueSheet) -> tuple[Cue, ...]:
    """Rhubarb writes one empty idle cue for a recording without any."""
    return sheet.cues or (Cue(0, 0, sheet.rest),)


# ---------------------------------------------------------------------------- tsv


def format_tsv(sheet: CueSheet) -> str:
    lines = [f"{seconds(c.start_ms)}\t{c.shape}" for c in sheet.cues]
    lines.append(f"{seconds(sheet.duration_ms)}\t{sheet.rest}")
    return "\n".join(lines) + "\n"


def parse_tsv(text: str) -> CueSheet:
    rows = [line.split("\t") for line in text.splitlines() if line.strip()]
    if not rows or any(len(r) != 2 for r in rows):
        raise ValueError("expected lines of 'seconds<TAB>shape'")
    times = [_ms(r[0]) for r in rows]
    shapes = [_shape(r[1].strip()) for r in rows]
    cues = tuple(Cue(times[k], times[k + 1], shapes[k]) for k in range(len(rows) - 1))
    return CueSheet(cues, times[-1], rest=shapes[-1])


# ---------------------------------------------------------------------------- json


def _json_string(text: str) -> str:
    """``text`` as a JSON string the way Rhubarb escapes it: ASCII only, UTF-16 escapes."""
    named = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r"}
    named["\t"] = "\\t"
    out: list[str] = []
    units = text.encode("utf-16-le", "surrogatepass")
    for k in range(0, len(units), 2):
        code = units[k] | units[k + 1] << 8
        ch = chr(code)
        if ch in named:
            out.append(named[ch])
        elif code < 0x20 or code >= 0x80:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def format_json(sheet: CueSheet) -> str:
    cues = ",\n".join(
        f'    {{ "start": {seconds(c.start_ms)}, "end": {seconds(c.end_ms)}, '
        f'"value": "{c.shape}" }}'
        for c in _cues_or_dummy(sheet)
    )
    return (
        "{\n"
        '  "metadata": {\n'
        f'    "soundFile": {_json_string(sheet.sound_file)},\n'
        f'    "duration": {seconds(sheet.duration_ms)}\n'
        "  },\n"
        '  "mouthCues": [\n'
        f"{cues}\n"
        "  ]\n"
        "}\n"
    )


def parse_json(text: str) -> CueSheet:
    data = json.loads(text, parse_float=str)
    meta = data["metadata"]
    cues = tuple(Cue(_ms(c["start"]), _ms(c["end"]), _shape(c["value"])) for c in data["mouthCues"])
    return _sheet(cues, _ms(meta["duration"]), str(meta.get("soundFile", "")))


def _sheet(cues: tuple[Cue, ...], duration_ms: int, sound_file: str) -> CueSheet:
    """Undo the dummy cue of an empty recording."""
    if len(cues) == 1 and cues[0].duration_ms == 0 and duration_ms == 0:
        return CueSheet((), 0, sound_file, rest=cues[0].shape)
    rest = "X" if not cues or "X" in {c.shape for c in cues} else "A"
    return CueSheet(cues, duration_ms, sound_file, rest=rest)


# ---------------------------------------------------------------------------- xml


def format_xml(sheet: CueSheet) -> str:
    lines = [
        _XML_HEADER,
        "<rhubarbResult>",
        "  <metadata>",
        f"    <soundFile>{_xml_text(sheet.sound_file)}</soundFile>",
        f"    <duration>{seconds(sheet.duration_ms)}</duration>",
        "  </metadata>",
        "  <mouthCues>",
    ]
    lines += [
        f'    <mouthCue start="{seconds(c.start_ms)}" end="{seconds(c.end_ms)}">'
        f"{c.shape}</mouthCue>"
        for c in _cues_or_dummy(sheet)
    ]
    lines += ["  </mouthCues>", "</rhubarbResult>"]
    return "\n".join(lines) + "\n"


def _xml_text(text: str) -> str:
    return escape(text, {'"': "&quot;", "'": "&apos;"}) if text else ""


def parse_xml(text: str) -> CueSheet:
    root = ET.fromstring(text.encode("utf-8"))
    if root.tag != "rhubarbResult":
        raise ValueError(f"root element is <{root.tag}>, not <rhubarbResult>")
    cues = tuple(
        Cue(_ms(e.attrib["start"]), _ms(e.attrib["end"]), _shape((e.text or "").strip()))
        for e in root.iterfind("mouthCues/mouthCue")
    )
    sound_file = root.findtext("metadata/soundFile") or ""
    return _sheet(cues, _ms(root.findtext("metadata/duration") or ""), sound_file)


# ---------------------------------------------------------------------------- dat


def dat_frame(ms: int, fps: float) -> int:
    """The 1-based Moho frame showing time ``ms`` (Rhubarb's rounding: down)."""
    return 1 + int(fps * (ms / 1000))


def frame_ms(frame: int, fps: float) -> int:
    """The first whole centisecond that :func:`dat_frame` puts in 1-based ``frame``.

    Computed as the writer rounds (down, in floating point): 1.16 s at 25 fps is frame 29,
    not 30, for Rhubarb and for us, so frame 30 starts at 1.17 s.
    """
    ms = math.ceil((frame - 1) * (1000 / TICK_MS) / fps - 1e-9) * TICK_MS
    while dat_frame(ms, fps) < frame:
        ms += TICK_MS
    return ms


def format_dat(sheet: CueSheet, fps: float = 24.0, *, preston_blair: bool = False) -> str:
    check_dat_fps(fps)
    names = PRESTON_BLAIR if preston_blair else {s: s for s in ALL_SHAPES}
    lines = ["MohoSwitch1"]
    last = 0
    for cue in sheet.cues:
        frame = dat_frame(cue.start_ms, fps)
        if frame == last:
            continue
        lines.append(f"{frame} {names[cue.shape]}")
        last = frame
    end = dat_frame(sheet.duration_ms, fps)
    lines.append(f"{end + 1 if end == last else end} {names[sheet.rest]}")
    return "\n".join(lines) + "\n"


def parse_dat(text: str, fps: float = 24.0, *, preston_blair: bool | None = None) -> CueSheet:
    """Read Moho switch data; ``preston_blair=None`` tells the names apart by themselves."""
    check_dat_fps(fps)
    lines = [line.split() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != ["MohoSwitch1"]:
        raise ValueError("the first line must be MohoSwitch1")
    rows = lines[1:]
    if not rows or any(len(r) != 2 for r in rows):
        raise ValueError("expected lines of 'frame shape'")
    names = [r[1] for r in rows]
    if preston_blair is None:
        preston_blair = any(n not in ALL_SHAPES for n in names)
    lookup = {v: k for k, v in PRESTON_BLAIR.items()} if preston_blair else {}
    shapes = [_shape(lookup.get(n, n) if preston_blair else n) for n in names]
    frames = [int(r[0]) for r in rows]
    if frames[0] < 1 or any(b <= a for a, b in pairwise(frames)):
        raise ValueError("frame numbers must start at 1 or later and increase")
    times = [frame_ms(f, fps) for f in frames]
    cues = tuple(Cue(times[k], times[k + 1], shapes[k]) for k in range(len(rows) - 1))
    return CueSheet(cues, times[-1], rest=shapes[-1])
