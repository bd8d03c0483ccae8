"""What an upload really is, judged by its first bytes, never by its name or the
client's ``Content-Type``; and a safe name to keep it under.

:func:`sniff` accepts, by kind:

    image   JPEG, PNG, WebP, BMP, TIFF
    audio   WAV, MP3, FLAC, Ogg (Vorbis/Opus), M4A/MP4, WebM/Matroska
    video   MP4/MOV, WebM/Matroska
    media   audio or video

Anything else is refused with :class:`~persona.service.errors.UnsupportedMediaError`
(HTTP 415), naming what the bytes look like when they are a known non-media format
(a ZIP archive, a Windows or Linux executable, HTML, PDF, a script): a ``photo.jpg``
that is really a program is caught here. Pass at least :data:`HEAD_BYTES` bytes when the
file has them (WebM is told from Matroska by a name inside its header).

:func:`safe_filename` keeps a client's file name only as a label: no folders, no
``..``, no hidden names, letters, digits, ``.``, ``_`` and ``-`` only, at most
:data:`MAX_NAME_LENGTH` characters, with the extension of the sniffed type.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from persona.errors import InputError
from persona.service.errors import UnsupportedMediaError

if TYPE_CHECKING:
    pass

HEAD_BYTES = 4096
MAX_NAME_LENGTH = 100
Kind = Literal["image", "audio", "video", "media"]
KINDS: tuple[Kind, ...] = ("image", "audio", "video", "media")


@dataclass(frozen=True)
class Format:
    """One recognised format: a test on the first bytes, what it is for each kind it
    may be uploaded as, and the file extension it is kept under."""

    name: str
    test: Callable[[bytes], bool]
    types: dict[str, str]
    extension: str


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _bmp(head: bytes) -> bool:
    header_sizes = {12, 40, 52, 56, 64, 108, 124}
    return head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in header_sizes


def _mp3(head: bytes) -> bool:
    if head[:3] == b"ID3":
        return True
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    return version != 1 and layer != 0 and bitrate != 15 and rate != 3


def _ftyp(
    brands: tuple[bytes, ...] | None, exclude: tuple[bytes, ...] = ()
) -> Callable[[bytes], bool]:
    def test(head: bytes) -> bool:
        if head[4:8] != b"ftyp":
            return False
        brand = head[8:12]
        return brand not in exclude and (brands is None or brand in brands)

    return test


def _ebml(webm: bool) -> Callable[[bytes], bool]:
    def test(head: bytes) -> bool:
        return head[:4] == b"\x1a\x45\xdf\xa3" and (b"webm" in head[:HEAD_BYTES]) == webm

    return test


_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"F4A ")
FORMATS: tuple[Format, ...] = (
    Format("JPEG", lambda h: h[:3] == b"\xff\xd8\xff", {"image": "image/jpeg"}, ".jpg"),
    Format("PNG", lambda h: h[:8] == b"\x89PNG\r\n\x1a\n", {"image": "image/png"}, ".png"),
    Format("WebP", _riff(b"WEBP"), {"image": "image/webp"}, ".webp"),
    Format("BMP", _bmp, {"image": "image/bmp"}, ".bmp"),
    Format("TIFF", lambda h: h[:4] in (b"II*\x00", b"MM\x00*"), {"image": "image/tiff"}, ".tiff"),
    Format("WAV", _riff(b"WAVE"), {"audio": "audio/wav"}, ".wav"),
    Format("FLAC", lambda h: h[:4] == b"fLaC", {"audio": "audio/flac"}, ".flac"),
    Format("Ogg", lambda h: h[:4] == b"OggS", {"audio": "audio/ogg"}, ".ogg"),
    Format("MP3", _mp3, {"audio": "audio/mpeg"}, ".mp3"),
    Format("M4A", _ftyp(_AUDIO_BRANDS), {"audio": "audio/mp4"}, ".m4a"),
    Format("QuickTime", _ftyp((b"qt  ",)), {"video": "video/quicktime"}, ".mov"),
    Format(
        "MP4",
        _ftyp(None, exclude=(*_AUDIO_BRANDS, b"qt  ", b"heic", b"avif", b"mif1")),
        {"audio": "audio/mp4", "video": "video/mp4"},
        ".mp4",
    ),
    Format("WebM", _ebml(True), {"audio": "audio/webm", "video": "video/webm"}, ".webm"),
    Format(
        "Matroska",
        _ebml(False),
        {"audio": "audio/x-matroska", "video": "video/x-matroska"},
        ".mkv",
    ),
)


def _types_of(kind: str) -> frozenset[str]:
    return frozenset(fmt.types[kind] for fmt in FORMATS if kind in fmt.types)


IMAGE_TYPES = _types_of("image")
AUDIO_TYPES = _types_of("audio")
VIDEO_TYPES = _types_of("video")

_IMPOSTORS: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("a ZIP archive", lambda h: h[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")),
    ("a Windows executable", lambda h: h[:2] == b"MZ"),
    ("a Linux executable (ELF)", lambda h: h[:4] == b"\x7fELF"),
    (
        "a macOS executable (Mach-O)",
        lambda h: h[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"),
    ),
    ("a PDF document", lambda h: h[:5] == b"%PDF-"),
    ("a script", lambda h: h[:2] == b"#!"),
    ("a gzip archive", lambda h: h[:2] == b"\x1f\x8b"),
    ("a 7-Zip archive", lambda h: h[:6] == b"7z\xbc\xaf\x27\x1c"),
    ("a RAR archive", lambda h: h[:7] == b"Rar!\x1a\x07\x00"),
    ("HTML or XML (possibly SVG)", lambda h: h.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"),
    ("an HEIF/AVIF image (not supported)", _ftyp((b"heic", b"heix", b"avif", b"mif1"))),
)

_ACCEPTED = {
    "image": "JPEG, PNG, WebP, BMP or TIFF",
    "audio": "WAV, MP3, FLAC, Ogg/Opus, M4A/MP4 or WebM/Matroska",
    "video": "MP4/MOV or WebM/Matroska",
}
_ACCEPTED["media"] = f"{_ACCEPTED['audio']} audio, or {_ACCEPTED['video']} video"


def detect(head: bytes) -> Format | None:
    """The format of a file starting with ``head``, or ``None``."""
    return next((fmt for fmt in FORMATS if fmt.test(head)), None)


def sniff(kind: str, head: bytes) -> str:
    """The content type of an upload of ``kind`` that starts with ``head``; anything
    that is not an accepted format of that kind raises :class:`UnsupportedMediaError`."""
    if kind not in KINDS:
        raise InputError(f"unknown upload kind {kind!r}: one of {', '.join(KINDS)}")
    if not head:
        raise UnsupportedMediaError(f"the upload is empty; send a {_ACCEPTED[kind]} file")
    wanted = ("audio", "video") if kind == "media" else (kind,)
    allowed = [_types_of(each) for each in wanted]
    return sniff_allowed(head, frozenset().union(*allowed), f"this {kind} upload", _ACCEPTED[kind])


def sniff_allowed(head: bytes, allowed: Collection[str], what: str, accepted: str = "") -> str:
    """The first content type of the format of ``head`` that is in ``allowed``;
    :class:`UnsupportedMediaError` (saying what ``what`` looks like) otherwise."""
    fmt = detect(head)
    if fmt is not None:
        for content_type in fmt.types.values():
            if content_type in allowed:
                return content_type
        found = f"a {fmt.name} file"
    else:
        found = next((name for name, test in _IMPOSTORS if test(head)), "of no known format")
    if not accepted:
        accepted = ", ".join(
            sorted({f.name for f in FORMATS if set(f.types.values()) & set(allowed)})
        )
    raise UnsupportedMediaError(
        f"{what} is {found}, judging by its content; send a {accepted} file"
    )


def extension_for(content_type: str) -> str:
    for fmt in FORMATS:
        if content_type in fmt.types.values():
            return fmt.extension
    raise InputError(f"no file extension for {content_type!r}")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _ascii_part(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\.{2,}", ".", _UNSAFE.sub("_", plain)).strip("._-")


def safe_filename(name: str | None, content_type: str | None = None) -> str:
    """A file name fit to show and store: the last path part of ``name`` reduced to
    ``[A-Za-z0-9._-]``, no leading dots, at most :data:`MAX_NAME_LENGTH` characters;
    with ``content_type``, the extension becomes that type's. ``upload`` when nothing
    is left."""
    base = re.split(r"[\\/]", name or "")[-1].strip().lstrip(".")
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem, extension = _ascii_part(stem), _ascii_part(extension)
    if content_type is not None:
        extension = extension_for(content_type).lstrip(".")
    stem = stem or "upload"
    suffix = f".{extension[:10]}" if extension else ""
    return stem[: MAX_NAME_LENGTH - len(suffix)].rstrip("._-") + suffix
