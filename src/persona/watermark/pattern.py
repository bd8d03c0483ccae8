"""The watermark's periodic tile: a sync pattern and one pattern per code symbol.

The tile is :data:`TILE` × :data:`TILE` luma pixels and repeats over the whole frame,
so any crop still holds whole periods and the detector finds the crop's offset as the
shift of the tile (:mod:`persona.watermark.detect`). Its spectrum lives in a ring of
spatial frequencies (:data:`BAND`, cycles per tile: periods of about 6 to 43 pixels):
low enough to live through H.264 at CRF 28 and a 50 % downscale, high enough to stay
apart from the picture's broad shading.

The ring's frequency bins are dealt out at random, with a fixed key, into disjoint sets:
:data:`SYNC_SHARE` of them to the sync pattern (every bin with a unit-magnitude random
phase: a sharp correlation peak), the rest evenly to the :data:`~persona.watermark.
payload.CODE_BITS` symbols. Disjoint bins make the patterns exactly orthogonal, so the
symbols do not disturb one another or the sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from persona.watermark.payload import CODE_BITS, code_bits

TILE = 128
BAND = (3.0, 20.0)
SYNC_SHARE = 0.3
TILT = 0.0
"""Bin magnitudes fall as radius**-TILT: most of the energy sits at the low
frequencies, which outlive a downscale followed by strong compression."""
KEY = 0x50_45_52_53_4F_4E_41_31
"""The seed of the bin assignment and phases: the same for every video."""


@dataclass(frozen=True)
class Layout:
    """Where each pattern lives in the tile's half spectrum (``rfft2`` layout).

    ``phases`` holds a unit complex number for each bin of the ring; ``sync`` is the
    boolean mask of the sync bins; ``symbol`` gives each bin its symbol's index
    (-1 for sync bins and bins outside the ring)."""

    phases: np.ndarray
    weight: np.ndarray
    """Each bin's magnitude (zero outside the ring)."""
    sync: np.ndarray
    symbol: np.ndarray
    """(2, …): the symbol on each bin's real part and on its imaginary part."""


@lru_cache(maxsize=1)
def layout() -> Layout:
    """The fixed bin assignment (computed once)."""
    ky = np.fft.fftfreq(TILE, 1.0 / TILE)[:, None]
    kx = np.fft.rfftfreq(TILE, 1.0 / TILE)[None, :]
    radius = np.hypot(ky, kx)
    ring = (radius >= BAND[0]) & (radius <= BAND[1])
    ring &= ~((kx == 0) & (ky < 0))  # the kx = 0 column holds each bin twice: keep one
    rng = np.random.default_rng(KEY)
    phases = np.exp(2j * np.pi * rng.random(ring.shape)) * ring
    weight = np.where(ring, (BAND[0] / np.maximum(radius, 1.0)) ** TILT, 0.0)
    where = np.flatnonzero(ring)
    order = rng.permutation(where)
    n_sync = round(SYNC_SHARE * order.size)
    sync = np.zeros(ring.shape, dtype=bool)
    sync.flat[order[:n_sync]] = True
    symbol = np.full((2, *ring.shape), -1, dtype=np.int32)
    slots = np.arange(2 * (order.size - n_sync)) % CODE_BITS
    symbol[0].flat[order[n_sync:]] = slots[0::2]
    symbol[1].flat[order[n_sync:]] = slots[1::2]
    return Layout(phases=phases, weight=weight, sync=sync, symbol=symbol)


def tile_for(payload: int) -> np.ndarray:
    """The tile carrying ``payload``: float32, zero mean, unit RMS."""
    lay = layout()
    symbols = code_bits(payload)
    signs = np.zeros(lay.symbol.shape, dtype=np.float32)
    data = lay.symbol >= 0
    signs[data] = symbols[lay.symbol[data]]
    spectrum = lay.weight * lay.phases * (lay.sync + signs[0] + 1j * signs[1])
    tile = np.fft.irfft2(spectrum, s=(TILE, TILE)).astype(np.float32)
    tile -= tile.mean()
    return tile / float(np.sqrt(np.mean(tile**2)))
