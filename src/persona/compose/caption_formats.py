"""Caption files: SRT, WebVTT and ASS writers, and a reader for the ASS we write.

    format_captions(cues, "srt" | "vtt" | "ass", ...) → text
    write_caption_file(path, cues, ...)                → the format follows the suffix

* **SRT** (SubRip): numbered cues, ``HH:MM:SS,mmm`` times, plain text lines.
* **WebVTT**: ``<v Name>`` voice spans carry the speaker; with ``karaoke=True`` each
  word after the first is preceded by its start time (``<00:00:01.200><c>word</c>``),
  so players can style spoken and unspoken words apart (``::cue(:past)``).
* **ASS** (Advanced SubStation Alpha v4+): ``[Script Info]`` with the video's size as
  PlayRes, one ``Default`` style from a :class:`~persona.compose.caption_style.CaptionStyle`
  (font, size, colours, outline, shadow or box, alignment and margins) and one
  ``Dialogue`` event per cue with the speaker as its Name. With ``karaoke=True`` every
  word carries a ``\\k`` duration: words turn the highlight colour as they are spoken.

Times are written from the cues' integer milliseconds (ASS rounds to centiseconds).
Text is escaped for each format (``&``, ``<``, ``>`` in WebVTT; braces and backslashes
in ASS, which has no escapes for them, become parentheses and slashes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from persona.compose.caption_style import CaptionStyle, font_family, rgb
from persona.compose.captions import CaptionWord, Cue, CueLine
from persona.errors import InputError

FORMATS = ("srt", "vtt", "ass")
SUFFIXES = {".srt": "srt", ".vtt": "vtt", ".ass": "ass", ".ssa": "ass"}


def caption_format_for_path(path: str | Path) -> str:
    """``"srt"``, ``"vtt"`` or ``"ass"`` from a file's suffix; :class:`InputError` else."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"unknown caption format {suffix or '(no suffix)'!r} for {path}: use .srt, .vtt or .ass"
        )
    return SUFFIXES[suffix]


def format_captions(
    cues: Sequence[Cue],
    fmt: str,
    *,
    style: CaptionStyle | None = None,
    size: tuple[int, int] = (1920, 1080),
    karaoke: bool = False,
) -> str:
    """``cues`` as the text of a ``fmt`` file (``"srt"``, ``"vtt"`` or ``"ass"``).

    ``style`` and ``size`` (the video's width and height) shape ASS only; ``karaoke``
    adds word timing to WebVTT and ASS.
    """
    if fmt == "srt":
        return write_srt(cues)
    if fmt == "vtt":
        return write_vtt(cues, karaoke=karaoke)
    if fmt == "ass":
        return write_ass(cues, style, size=size, karaoke=karaoke)
    raise InputError(f"unknown caption format {fmt!r}: use one of {', '.join(FORMATS)}")


def write_caption_file(
    path: str | Path,
    cues: Sequence[Cue],
    *,
    style: CaptionStyle | None = None,
    size: tuple[int, int] = (1920, 1080),
    karaoke: bool = False,
) -> Path:
    """Write ``cues`` to ``path`` (format by suffix) in one step; returns the path.

    Raises :class:`InputError` for an unknown suffix and
    :class:`~persona.errors.OutputPathError` when the file cannot be written.
    """
    from persona.lipsync.commands import write_text
    from persona.media.output import ensure_file_writable

    fmt = caption_format_for_path(path)
    out = ensure_file_writable(path)
    text = format_captions(cues, fmt, style=style, size=size, karaoke=karaoke)
    write_text(out, text)
    return out


# ---------------------------------------------------------------------------- SRT


def _clock(ms: int, separator: str) -> str:
    ms = max(0, ms)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{separator}{milli:03d}"


def write_srt(cues: Sequence[Cue]) -> str:
    """SubRip text: ``1``, ``00:00:01,000 --> 00:00:02,500``, the lines, a blank line."""
    blocks = []
    for number, cue in enumerate(cues, start=1):
        times = f"{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}"
        lines = [line.text for line in cue.lines if line.text.strip()]
        blocks.append("\n".join([str(number), times, *lines]) + "\n")
    return "\n".join(blocks)


# ---------------------------------------------------------------------------- WebVTT


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_vtt(cues: Sequence[Cue], *, karaoke: bool = False) -> str:
    """WebVTT text; speakers as ``<v Name>`` spans, word times when ``karaoke``."""
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(cues, start=1):
        times = f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}"
        blocks.append(f"{number}\n{times}\n{vtt_payload(cue, karaoke=karaoke)}\n")
    return "\n".join(blocks)


def vtt_payload(cue: Cue, *, karaoke: bool = False) -> str:
    """The text of ``cue`` in WebVTT (escaped, voice spans, word times when ``karaoke``)."""
    return "\n".join(_vtt_line(line, cue, karaoke) for line in cue.lines if line.text.strip())


def _vtt_line(line: CueLine, cue: Cue, karaoke: bool) -> str:
    if karaoke:
        parts = []
        for word in line.words:
            stamp = _vtt_stamp(word, cue)
            parts.append(f"{stamp}<c>{_vtt_escape(word.text)}</c>")
        body = _vtt_escape(line.label) + " ".join(parts)
    else:
        body = _vtt_escape(line.text)
    speakers = {w.speaker for w in line.words}
    speaker = speakers.pop() if len(speakers) == 1 else None
    if speaker:
        name = _vtt_escape(speaker).replace("\n", " ")
        return f"<v {name}>{body}</v>"
    return body


def _vtt_stamp(word: CaptionWord, cue: Cue) -> str:
    """The timestamp tag before ``word``: none for a word that starts with the cue (a
    timestamp must lie strictly inside the cue)."""
    if cue.start_ms < word.start_ms < cue.end_ms:
        return f"<{_clock(word.start_ms, '.')}>"
    return ""


# ---------------------------------------------------------------------------- ASS

_ASS_STYLE_FORMAT = (
    "Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, "
    "Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, "
    "Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding"
)
_ASS_EVENT_FORMAT = "Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text"


def ass_colour(hex_colour: str, opacity: float = 1.0) -> str:
    """``"#rrggbb"`` at ``opacity`` as ASS's ``&HAABBGGRR`` (alpha 00 is opaque)."""
    r, g, b = rgb(hex_colour)
    alpha = round((1.0 - opacity) * 255)
    return f"&H{alpha:02X}{b:02X}{g:02X}{r:02X}"


def _tag_colour(hex_colour: str) -> str:
    """``"#rrggbb"`` as an override tag's colour, ``&HBBGGRR&``."""
    r, g, b = rgb(hex_colour)
    return f"&H{b:02X}{g:02X}{r:02X}&"


def ass_header(style: CaptionStyle | None = None, size: tuple[int, int] = (1920, 1080)) -> str:
    """``[Script Info]``, ``[V4+ Styles]`` and the ``[Events]`` format line: everything
    of an ASS file before its first Dialogue (also the header a muxed track needs)."""
    style = style or CaptionStyle()
    width, height = size
    font_px = style.font_size(height)
    karaoke = style.highlight or style.colour
    if style.box:  # libass draws the box in the outline colour, padded by the outline
        border, outline = 3, ass_colour(style.box_colour, style.box_opacity)
        outline_px = max(1.0, 0.2 * font_px)
    else:
        border, outline = 1, ass_colour(style.outline_colour)
        outline_px = style.outline * font_px
    fields = [
        "Default",
        font_family(style.font_path),
        str(font_px),
        ass_colour(karaoke),  # primary: a spoken word (karaoke), else all text
        ass_colour(style.colour),  # secondary: a word not spoken yet (karaoke)
        outline,
        ass_colour("#000000", 0.5),
        "0,0,0,0,100,100,0,0",
        str(border),
        f"{outline_px:.1f}",
        f"{style.shadow * font_px:.1f}",
        "2" if style.position == "bottom" else "8",
        *[str(round((1 - style.safe_width) / 2 * width))] * 2,
        str(round(style.margin * height)),
        "1",
    ]
    return "\n".join(
        [
            "[Script Info]",
            "; Persona Studio captions",
            "ScriptType: v4.00+",
            f"PlayResX: {width}",
            f"PlayResY: {height}",
            "WrapStyle: 0",
            "ScaledBorderAndShadow: yes",
            "YCbCr Matrix: TV.601",
            "",
            "[V4+ Styles]",
            f"Format: {_ASS_STYLE_FORMAT}",
            "Style: " + ",".join(fields),
            "",
            "[Events]",
            f"Format: {_ASS_EVENT_FORMAT}",
            "",
        ]
    )


def _ass_time(ms: int) -> str:
    cs = round(max(0, ms) / 10)
    h, rest = divmod(cs, 360_000)
    m, rest = divmod(rest, 6000)
    s, c = divmod(rest, 100)
    return f"{h}:{m:02d}:{s:02d}.{c:02d}"


def _ass_escape(text: str) -> str:
    return text.replace("\\", "/").replace("{", "(").replace("}", ")").replace("\n", " ")


def ass_name(cue: Cue) -> str:
    """The Name field of ``cue``'s event: its speakers, commas removed."""
    names = dict.fromkeys(w.speaker for w in cue.words if w.speaker)
    return " / ".join(n.replace(",", " ") for n in names)


def ass_text(cue: Cue, style: CaptionStyle | None = None, karaoke: bool = False) -> str:
    """The Text field of ``cue``: lines joined by ``\\N``, ``\\k`` tags when ``karaoke``."""
    if not karaoke:
        return "\\N".join(_ass_escape(line.text) for line in cue.lines)
    style = style or CaptionStyle()
    plain = _tag_colour(style.colour)
    sung = _tag_colour(style.highlight or style.colour)
    marks = [cue.start_ms, *[w.start_ms for w in cue.words][1:], cue.end_ms]
    ends = [round((max(m, cue.start_ms) - cue.start_ms) / 10) for m in marks]
    ends = [max(ends[: k + 1]) for k in range(len(ends))]  # never backwards
    out, k = [], 0
    for line in cue.lines:
        text = f"{{\\1c{plain}}}{_ass_escape(line.label)}" if line.label else ""
        for index, word in enumerate(line.words):
            space = " " if index + 1 < len(line.words) else ""
            duration = ends[k + 1] - ends[k]
            colour = f"\\1c{sung}" if line.label and index == 0 else ""
            text += f"{{{colour}\\k{duration}}}{_ass_escape(word.text)}{space}"
            k += 1
        out.append(text)
    return "\\N".join(out)


def write_ass(
    cues: Sequence[Cue],
    style: CaptionStyle | None = None,
    *,
    size: tuple[int, int] = (1920, 1080),
    karaoke: bool = False,
) -> str:
    """An ASS file: :func:`ass_header`, then one Dialogue per cue."""
    events = [
        f"Dialogue: 0,{_ass_time(c.start_ms)},{_ass_time(c.end_ms)},Default,{ass_name(c)},"
        f"0,0,0,,{ass_text(c, style, karaoke)}"
        for c in cues
    ]
    return ass_header(style, size) + "\n".join(events) + "\n"


# ---------------------------------------------------------------------------- reading ASS

_TAG = re.compile(r"\{[^}]*\}")
_KARAOKE = re.compile(r"\{[^}]*?\\[kK][fo]?(\d+)[^}]*\}")


@dataclass(frozen=True)
class AssDocument:
    """What :func:`read_ass` found: ``[Script Info]`` keys, styles by name (each a dict
    of the Format's fields) and the cues of the Dialogue events."""

    info: dict[str, str] = field(default_factory=dict)
    styles: dict[str, dict[str, str]] = field(default_factory=dict)
    cues: tuple[Cue, ...] = ()


def read_ass(text: str) -> AssDocument:
    """Parse an ASS/SSA file as written by :func:`write_ass` (override tags are
    removed; ``\\k`` durations become word start times). Raises :class:`InputError`
    for text that is not ASS."""
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip().lower()
            sections[current] = []
        elif current is not None and line and not line.startswith(";"):
            sections[current].append(line)
    if "script info" not in sections or "events" not in sections:
        raise InputError("not an ASS file: [Script Info] or [Events] is missing")
    info = dict(_pair(line) for line in sections["script info"] if ":" in line)
    styles_section = sections.get("v4+ styles", sections.get("v4 styles", []))
    styles = {r["Name"]: r for r in _rows(styles_section, "Style")}
    cues = tuple(_cue_from_event(r) for r in _rows(sections["events"], "Dialogue"))
    return AssDocument(info=info, styles=styles, cues=cues)


def _pair(line: str) -> tuple[str, str]:
    key, _, value = line.partition(":")
    return key.strip(), value.strip()


def _rows(lines: list[str], kind: str) -> list[dict[str, str]]:
    names: list[str] = []
    rows = []
    for line in lines:
        key, value = _pair(line)
        if key == "Format":
            names = [n.strip() for n in value.split(",")]
        elif key == kind and names:
            values = value.split(",", len(names) - 1)
            rows.append(dict(zip(names, (v.strip() for v in values), strict=False)))
    return rows


def _parse_time(text: str) -> int:
    h, m, s = text.split(":")
    return round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)


def _cue_from_event(row: dict[str, str]) -> Cue:
    try:
        start, end = _parse_time(row["Start"]), _parse_time(row["End"])
    except (KeyError, ValueError) as exc:
        raise InputError(f"bad ASS event times: {row}") from exc
    speaker = row.get("Name") or None
    clock = start
    lines = []
    for raw in row.get("Text", "").split("\\N"):
        label, words = "", []
        pieces = _KARAOKE.split(raw)
        if len(pieces) > 1:  # label, then (duration, word) pairs
            label = _TAG.sub("", pieces[0])
            for duration, chunk in zip(pieces[1::2], pieces[2::2], strict=True):
                word = _TAG.sub("", chunk).strip()
                if word:
                    words.append(CaptionWord(word, clock, clock, speaker))
                clock += int(duration) * 10
        else:
            words = [CaptionWord(w, start, start, speaker) for w in _TAG.sub("", raw).split()]
        lines.append(CueLine(tuple(words), label))
    return Cue(start, end, tuple(lines), speaker)
