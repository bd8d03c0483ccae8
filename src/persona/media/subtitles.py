"""Soft subtitle tracks: cues muxed into a video file as text streams (PyAV).

    mux_subtitles("talk.mp4", "talk.subbed.mp4", [SubtitleTrack(cues, "en"),
                                                  SubtitleTrack(spanish, "es")])

The output's suffix decides the container and the subtitle codec:

| suffix | container | subtitle codec |
|---|---|---|
| ``.mp4`` ``.m4v`` ``.mov`` | MP4 | ``mov_text`` (3GPP timed text) |
| ``.mkv`` | Matroska | ``subrip`` (SRT), or ``ass`` with ``codec="ass"`` |
| ``.webm`` | WebM | ``webvtt`` |

Video and audio are copied, not re-encoded; subtitle tracks of the same codec already in
the input are kept. Each new track carries its language as an ISO 639-2 code (``"en"``
→ ``"eng"``) and a title. Subtitle packets are interleaved with the copied packets in
time order. The file appears at ``output`` only when complete (it may be the input).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
from av.subtitles.stream import SubtitleStream

from persona.compose.caption_formats import ass_header, ass_name, ass_text, vtt_payload
from persona.compose.caption_style import CaptionStyle
from persona.compose.captions import Cue
from persona.errors import EncodeError, InputError, OutputPathError
from persona.media.output import create_temp_beside, discard, ensure_file_writable, publish

CODECS = {".mp4": "mov_text", ".m4v": "mov_text", ".mov": "mov_text", ".webm": "webvtt"}
MKV_CODECS = {"srt": "subrip", "subrip": "subrip", "ass": "ass"}
_WEBM_VIDEO = {"vp8", "vp9", "av1"}
_WEBM_AUDIO = {"opus", "vorbis"}
_DEFAULT = av.stream.Disposition.default

LANGUAGES: dict[str, tuple[str, str]] = {
    "ar": ("ara", "Arabic"), "as": ("asm", "Assamese"), "bn": ("ben", "Bengali"),
    "ca": ("cat", "Catalan"), "cs": ("ces", "Czech"), "da": ("dan", "Danish"),
    "de": ("deu", "German"), "el": ("ell", "Greek"), "en": ("eng", "English"),
    "es": ("spa", "Spanish"), "fa": ("fas", "Persian"), "fi": ("fin", "Finnish"),
    "fr": ("fra", "French"), "gu": ("guj", "Gujarati"), "he": ("heb", "Hebrew"),
    "hi": ("hin", "Hindi"), "hu": ("hun", "Hungarian"), "id": ("ind", "Indonesian"),
    "it": ("ita", "Italian"), "ja": ("jpn", "Japanese"), "kn": ("kan", "Kannada"),
    "ko": ("kor", "Korean"), "ml": ("mal", "Malayalam"), "mr": ("mar", "Marathi"),
    "ms": ("msa", "Malay"), "ne": ("nep", "Nepali"), "nl": ("nld", "Dutch"),
    "no": ("nor", "Norwegian"), "or": ("ori", "Odia"), "pa": ("pan", "Punjabi"),
    "pl": ("pol", "Polish"), "pt": ("por", "Portuguese"), "ro": ("ron", "Romanian"),
    "ru": ("rus", "Russian"), "si": ("sin", "Sinhala"), "sv": ("swe", "Swedish"),
    "sw": ("swa", "Swahili"), "ta": ("tam", "Tamil"), "te": ("tel", "Telugu"),
    "th": ("tha", "Thai"), "tr": ("tur", "Turkish"), "uk": ("ukr", "Ukrainian"),
    "ur": ("urd", "Urdu"), "vi": ("vie", "Vietnamese"), "zh": ("zho", "Chinese"),
}  # fmt: skip
"""ISO 639-1 code → (ISO 639-2/T code, English name) for the languages likely here."""


@dataclass(frozen=True)
class SubtitleTrack:
    """One subtitle stream: ``cues`` in language ``lang`` (ISO 639-1 or 639-2, e.g.
    ``"en"`` or ``"eng"``), titled ``title`` (default: the language's English name)."""

    cues: tuple[Cue, ...]
    lang: str = "en"
    title: str | None = None


def language_code(lang: str) -> tuple[str, str]:
    """(ISO 639-2 code, name) for ``lang`` ("en", "en-US", "eng"); :class:`InputError`
    for a code that is neither a known two-letter code nor three letters."""
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    if code in LANGUAGES:
        return LANGUAGES[code]
    for three, name in LANGUAGES.values():
        if code == three:
            return three, name
    if len(code) == 3 and code.isalpha():
        return code, code
    raise InputError(
        f"unknown language {lang!r} for a subtitle track: use an ISO 639 code such as en or eng"
    )


def subtitle_codec(path: str | Path, codec: str | None = None) -> str:
    """The subtitle codec an output at ``path`` gets (see the module table)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".mkv":
        key = (codec or "srt").lower()
        if key not in MKV_CODECS:
            raise InputError(f"an .mkv subtitle track is srt or ass, not {codec!r}")
        return MKV_CODECS[key]
    if suffix not in CODECS:
        raise InputError(f"cannot put subtitle tracks in {path}: use an .mp4, .mkv or .webm output")
    if codec is not None and codec.lower() not in (CODECS[suffix], "vtt", "srt"):
        raise InputError(f"{suffix} subtitle tracks are {CODECS[suffix]}, not {codec!r}")
    return CODECS[suffix]


def mux_subtitles(
    video: str | Path,
    output: str | Path,
    tracks: Sequence[SubtitleTrack],
    *,
    codec: str | None = None,
    style: CaptionStyle | None = None,
) -> Path:
    """Copy ``video`` to ``output`` with one subtitle stream per track added.

    ``codec`` picks ``"srt"`` or ``"ass"`` for an ``.mkv``; ``style`` shapes the ASS
    header that ``mov_text`` and ``ass`` tracks carry (font, size, colours). Raises
    :class:`InputError` for a missing or unreadable video, an unsupported output
    suffix, a WebM output of non-WebM codecs or a bad language, and
    :class:`~persona.errors.OutputPathError` when ``output`` cannot be written.
    """
    source, out = Path(video), Path(output)
    name = subtitle_codec(out, codec)
    languages = [language_code(t.lang) for t in tracks]
    ensure_file_writable(out)
    if not source.is_file():
        raise InputError(f"cannot read video {source}: file not found")
    temp = create_temp_beside(out)
    try:
        _remux(source, temp, out.suffix.lower(), name, tracks, languages, style)
    except BaseException:
        discard(temp)
        raise
    publish(temp, out)
    return out


def _remux(
    source: Path,
    temp: Path,
    suffix: str,
    codec: str,
    tracks: Sequence[SubtitleTrack],
    languages: list[tuple[str, str]],
    style: CaptionStyle | None,
) -> None:
    try:
        inp = av.open(str(source))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read video {source}: {exc}") from exc
    with inp:
        kept = _kept_streams(inp, suffix, codec, source)
        fmt = {".mkv": "matroska", ".webm": "webm"}.get(suffix, "mp4")
        options = {"movflags": "+faststart"} if fmt == "mp4" else {}
        try:
            with av.open(str(temp), "w", format=fmt, options=options) as out:
                copies = {s.index: _copy_stream(out, s) for s in kept}
                size = _frame_size(inp)
                header = ass_header(style, size).encode()
                shown = any(s.type == "subtitle" and s.disposition & _DEFAULT for s in kept)
                streams = [
                    _add_track(out, codec, header, t, lang, i == 0 and not shown)
                    for i, (t, lang) in enumerate(zip(tracks, languages, strict=True))
                ]
                out.start_encoding()
                _interleave(inp, out, kept, copies, streams, tracks, codec, style)
        except av.FFmpegError as exc:
            raise EncodeError(f"muxing subtitles into {source.name} failed: {exc}") from exc
        except OSError as exc:
            raise OutputPathError(f"cannot write {temp.name}: {exc}") from exc


def _kept_streams(
    inp: av.container.InputContainer, suffix: str, codec: str, source: Path
) -> list[av.stream.Stream]:
    kept = []
    for stream in inp.streams:
        name = stream.codec_context.name
        if stream.type in ("video", "audio"):
            allowed = _WEBM_VIDEO if stream.type == "video" else _WEBM_AUDIO
            if suffix == ".webm" and name not in allowed:
                raise InputError(
                    f"a .webm file cannot hold {source.name}'s {name} {stream.type}: "
                    "use an .mkv output (or a VP9/Opus video)"
                )
            kept.append(stream)
        elif stream.type == "subtitle" and name == codec:
            kept.append(stream)
    if not any(s.type == "video" for s in kept):
        raise InputError(f"{source} has no video track to add subtitles to")
    return kept


def _copy_stream(out: av.container.OutputContainer, stream: av.stream.Stream) -> av.stream.Stream:
    """An output stream like ``stream``, with its language, title and disposition."""
    copy = out.add_stream_from_template(stream)
    for key in ("language", "title", "handler_name"):
        if key in stream.metadata:
            copy.metadata[key] = stream.metadata[key]
    copy.disposition = stream.disposition
    return copy


def _frame_size(inp: av.container.InputContainer) -> tuple[int, int]:
    video = inp.streams.video[0].codec_context
    return (video.width or 1920, video.height or 1080)


def _add_track(
    out: av.container.OutputContainer,
    codec: str,
    header: bytes,
    track: SubtitleTrack,
    language: tuple[str, str],
    first: bool,
) -> av.stream.Stream:
    stream = cast(SubtitleStream, out.add_stream(codec))
    stream.codec_context.subtitle_header = header
    code, name = language
    stream.metadata["language"] = code
    stream.metadata["title"] = track.title or name
    stream.metadata["handler_name"] = track.title or name
    if first:
        stream.disposition = _DEFAULT
    return stream


def _interleave(
    inp: av.container.InputContainer,
    out: av.container.OutputContainer,
    kept: list[av.stream.Stream],
    copies: dict[int, av.stream.Stream],
    streams: list[av.stream.Stream],
    tracks: Sequence[SubtitleTrack],
    codec: str,
    style: CaptionStyle | None,
) -> None:
    """Copy the input's packets, each track's cues muxed in before later packets."""
    pending = sorted(
        (cue.start_ms, k, order, cue)
        for k, track in enumerate(tracks)
        for order, cue in enumerate(track.cues)
        if cue.end_ms > cue.start_ms
    )
    queue: Iterator[tuple[int, int, int, Cue]] = iter(pending)
    upcoming = next(queue, None)
    for packet in inp.demux(*kept):
        if packet.dts is None:
            continue
        seconds = float(packet.dts * packet.time_base) if packet.time_base else 0.0
        while upcoming is not None and upcoming[0] <= seconds * 1000:
            _, k, order, cue = upcoming
            out.mux(_cue_packet(streams[k], cue, order, codec, style))
            upcoming = next(queue, None)
        packet.stream = copies[packet.stream.index]
        out.mux(packet)
    while upcoming is not None:
        _, k, order, cue = upcoming
        out.mux(_cue_packet(streams[k], cue, order, codec, style))
        upcoming = next(queue, None)


def _cue_packet(
    stream: av.stream.Stream, cue: Cue, order: int, codec: str, style: CaptionStyle | None
) -> av.Packet:
    """One cue as a packet of ``codec``, in ``stream``'s time base."""
    packet = av.Packet(cue_payload(cue, order, codec, style))
    base = stream.time_base or Fraction(1, 1000)
    packet.pts = packet.dts = round(Fraction(cue.start_ms, 1000) / base)
    packet.duration = round(Fraction(cue.end_ms - cue.start_ms, 1000) / base)
    packet.stream = stream
    return packet


def cue_payload(cue: Cue, order: int, codec: str, style: CaptionStyle | None = None) -> bytes:
    """The bytes of ``cue`` in a ``codec`` packet: plain lines (``subrip``), lines with
    ``<v>`` voice spans (``webvtt``), a length-prefixed string (``mov_text``) or an ASS
    event without its times (``ass``)."""
    if codec == "ass":
        return f"{order},0,Default,{ass_name(cue)},0,0,0,,{ass_text(cue, style)}".encode()
    if codec == "webvtt":
        return vtt_payload(cue).encode()
    text = cue.text.encode()
    if codec == "mov_text":
        return struct.pack(">H", len(text)) + text
    return text


@dataclass
class TrackInfo:
    """A subtitle stream as read back: its codec, language and title, and the cues'
    (start ms, end ms, text) as its packets hold them."""

    codec: str
    language: str | None
    title: str | None
    cues: list[tuple[int, int, str]] = field(default_factory=list)


def read_subtitle_tracks(path: str | Path) -> list[TrackInfo]:
    """The subtitle streams of the file at ``path``, packets decoded to text; for
    checks and tests."""
    with av.open(str(path)) as container:
        subtitles = container.streams.subtitles
        found = {
            s.index: TrackInfo(
                s.codec_context.name,
                s.metadata.get("language"),
                s.metadata.get("title") or s.metadata.get("handler_name"),
            )
            for s in subtitles
        }
        for packet in container.demux(*subtitles) if subtitles else ():
            if packet.size == 0 or packet.pts is None or packet.time_base is None:
                continue
            track = found[packet.stream.index]
            data = bytes(packet)
            if track.codec == "mov_text":
                data = data[2 : 2 + struct.unpack(">H", data[:2])[0]]
            start = round(float(packet.pts * packet.time_base) * 1000)
            end = start + round(float((packet.duration or 0) * packet.time_base) * 1000)
            if data:
                track.cues.append((start, end, data.decode("utf-8", "replace")))
    return list(found.values())
