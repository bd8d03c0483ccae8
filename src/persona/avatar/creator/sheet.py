"""A contact sheet of the avatar templates: one labelled portrait each, as a PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from persona.avatar.creator.draw import CreatorAvatar
from persona.avatar.creator.templates import templates
from persona.types import FaceState

COLUMNS = 6


def _label(image: np.ndarray, text: str) -> np.ndarray:
    import cv2

    out = image.copy()
    h = out.shape[0]
    cv2.rectangle(out, (0, h - 24), (out.shape[1], h), (0, 0, 0), -1)
    cv2.putText(
        out, text, (6, h - 7), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA
    )
    return out


def template_sheet(output: Path, tile: int = 256, state: FaceState | None = None) -> Path:
    """Write every template side by side (``tile`` pixels square each) to ``output``."""
    import cv2

    state = state or FaceState.rest()
    tiles = [
        _label(CreatorAvatar(t.spec, tile, tile).render(state).image, t.name) for t in templates()
    ]
    while len(tiles) % COLUMNS:
        tiles.append(np.full_like(tiles[0], 255))
    rows = [np.hstack(tiles[i : i + COLUMNS]) for i in range(0, len(tiles), COLUMNS)]
    output.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(output), np.vstack(rows)):
        raise OSError(f"could not write {output}")
    return output
