"""The marks as frame filters, in the order the pipeline applies them: the visible
label over everything else drawn on the frame, then the invisible watermark, last
before the encoder (so it also covers the label)."""

from __future__ import annotations

from collections.abc import Sequence

from persona.watermark.embed import Watermarker
from persona.watermark.label import AiLabel
from persona.watermark.options import Marks
from persona.watermark.payload import payload_for


def mark_filters(
    marks: Marks,
    video_id: str,
    clear: tuple[float, float] = (0.0, 0.0),
    avoid: Sequence[str] = (),
) -> list[AiLabel | Watermarker]:
    """The label (unless ``marks.label`` is None) and the watermark carrying
    :func:`~persona.watermark.payload.payload_for` ``(video_id)``. ``clear``: shares of
    the frame's height, top and bottom, that the label keeps free (captions, lower
    thirds); ``avoid``: corners a logo holds."""
    filters: list[AiLabel | Watermarker] = []
    if marks.label is not None:
        filters.append(AiLabel(marks.label, clear, avoid))
    filters.append(Watermarker(payload_for(video_id)))
    return filters
