"""The signed provenance inside the video file, as container metadata.

    write_tag(video, envelope, summary) ─stream copy (PyAV)→ the same video with tags
    read_tag(video) → the envelope's JSON text, or None

Two global tags are written: ``comment``, one line a person can read ("AI-generated
with Persona Studio 0.1.0, video id vid_…"), and ``org.personastudio.provenance``, the
signed envelope (:mod:`persona.provenance.signing`) as compact JSON. In an MP4 they are
``mdta`` keys in ``moov/udta/meta`` (FFmpeg's ``use_metadata_tags``); in a WebM they are
Matroska tags. ``ffprobe -show_format VIDEO`` lists both.

The file is remuxed, not re-encoded: every packet is copied as it is (so the manifest's
``content_sha256`` still holds), streams keep their language, title and disposition, and
the result replaces the video only once it is complete. ``container_options`` carries
the encoder's MP4 options (e.g. no edit list) so timing is written the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import av

from persona.errors import EncodeError, InputError, OutputPathError
from persona.media.output import create_temp_beside, discard, publish

TAG_KEY = "org.personastudio.provenance"
COMMENT_KEY = "comment"
_COPIED = ("video", "audio", "subtitle")
_SKIP = frozenset(
    {"major_brand", "minor_version", "compatible_brands", "encoder", TAG_KEY, COMMENT_KEY}
)
"""Global tags not copied: the muxer writes these itself, or they are replaced."""
_FORMATS = {".webm": "webm", ".mkv": "matroska", ".mov": "mov"}


def read_tag(path: Path) -> str | None:
    """The provenance tag's text, or None when the file has none. :class:`InputError`
    when ``path`` is not a media file."""
    with _open(path) as container:
        tags = {k.lower(): v for k, v in container.metadata.items()}  # Matroska: upper case
    value = tags.get(TAG_KEY)
    return value if isinstance(value, str) and value else None


def write_tag(
    path: Path,
    envelope: Mapping[str, Any],
    summary: str,
    container_options: Mapping[str, str] | None = None,
) -> None:
    """Rewrite ``path`` with ``envelope`` (and ``summary`` as its comment) in its
    metadata, every packet copied unchanged."""
    text = json.dumps(envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    temp = create_temp_beside(path)
    try:
        _remux(path, temp, {COMMENT_KEY: summary, TAG_KEY: text}, container_options or {})
    except BaseException:
        discard(temp)
        raise
    publish(temp, path)


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path} is not a video: {exc}") from exc


def _options(fmt: str, given: Mapping[str, str]) -> dict[str, str]:
    options = dict(given)
    if fmt in ("mp4", "mov"):
        flags = options.get("movflags", "+faststart")
        options["movflags"] = flags + ("" if "use_metadata_tags" in flags else "+use_metadata_tags")
    return options


def _remux(source: Path, temp: Path, tags: Mapping[str, str], given: Mapping[str, str]) -> None:
    fmt = _FORMATS.get(source.suffix.lower(), "mp4")
    with _open(source) as inp:
        kept = [s for s in inp.streams if s.type in _COPIED]
        try:
            with av.open(str(temp), "w", format=fmt, options=_options(fmt, given)) as out:
                kept_tags = {k: v for k, v in inp.metadata.items() if k.lower() not in _SKIP}
                out.metadata.update(kept_tags)
                out.metadata.update(tags)
                copies = {s.index: _copy_stream(out, s) for s in kept}
                for packet in inp.demux(*kept):
                    if packet.dts is None:
                        continue
                    packet.stream = copies[packet.stream.index]
                    out.mux(packet)
        except av.FFmpegError as exc:
            raise EncodeError(f"writing provenance into {source.name} failed: {exc}") from exc
        except OSError as exc:
            raise OutputPathError(f"cannot write {temp.name}: {exc}") from exc


def _copy_stream(out: av.container.OutputContainer, stream: av.stream.Stream) -> av.stream.Stream:
    copy = out.add_stream_from_template(stream)
    for key in ("language", "title", "handler_name"):
        if key in stream.metadata:
            copy.metadata[key] = stream.metadata[key]
    copy.disposition = stream.disposition
    return copy
