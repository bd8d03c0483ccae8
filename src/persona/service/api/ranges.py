"""Streaming a stored object over HTTP with byte ranges (RFC 9110 §14).

``Range: bytes=0-499``, ``bytes=500-`` and ``bytes=-500`` (the last 500 bytes) get
``206 Partial Content`` with ``Content-Range``; a range that starts past the end, or a
malformed one, gets ``416`` with ``Content-Range: bytes */SIZE``; several ranges at once
are answered with the whole object (``200``), as the RFC allows.
"""

from __future__ import annotations

import re

from fastapi.responses import Response, StreamingResponse

from persona.service.storage.base import Storage

_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)


class RangeNotSatisfiable(Exception):
    pass


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(start, stop)`` (stop exclusive) of a single byte range, ``None`` for the
    whole object; :class:`RangeNotSatisfiable` for a bad or unsatisfiable range."""
    if header is None or "," in header:
        return None
    match = _RANGE.match(header)
    if match is None:
        raise RangeNotSatisfiable(header)
    first, last = match.groups()
    if not first and not last:
        raise RangeNotSatisfiable(header)
    if not first:  # a suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - length), size
    start = int(first)
    stop = size if not last else min(size, int(last) + 1)
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(header)
    return start, stop


def stream_object(
    storage: Storage,
    key: str,
    content_type: str,
    range_header: str | None,
    filename: str | None = None,
) -> Response:
    """The object at ``key``, whole or the requested range."""
    size = storage.size(key)
    headers = {"Accept-Ranges": "bytes"}
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    try:
        chosen = parse_range(range_header, size)
    except RangeNotSatisfiable:
        return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    if chosen is None:
        headers["Content-Length"] = str(size)
        return StreamingResponse(storage.open(key), media_type=content_type, headers=headers)
    start, stop = chosen
    headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    headers["Content-Length"] = str(stop - start)
    body = storage.open(key, start=start, stop=stop)
    return StreamingResponse(body, status_code=206, media_type=content_type, headers=headers)
