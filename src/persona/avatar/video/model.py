"""A trained video avatar and its file: everything a render needs, nothing it must redo.

The model file is a ZIP archive (stored, not compressed: its members are JPEG, PNG and
NPZ already)::

    index.json       format, frame rate, working size, loop mode, samples' visemes and
                     contexts (the visemes before and after each), facts
    loop/00000.jpg   the idle loop's frames, in order
    masks/00000.png  the person's alpha (grey, 0..255) per loop frame, at most
                     360 lines (format 2; a format 1 model computes them when asked)
    reference.png    the reference frame (rest mouth and the photo-rig fallback)
    mouths.png       the mouth samples side by side, one row of the atlas per 8
    arrays.npz       landmarks of loop and reference frames, samples' points and params

It is written to a hidden file next to the target and renamed into place, so a failed
save leaves nothing. Format 1 files (one mouth per viseme slot, no contexts, no masks)
still load; a file from a newer format is refused with a message saying so.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from persona.avatar.video.harvest import MouthBox, MouthSamples
from persona.errors import InputError

FORMAT = 2
READABLE = (1, 2)
ATLAS_COLUMNS = 8
JPEG_QUALITY = 92


@dataclass(frozen=True, eq=False)
class VideoModel:
    fps: int
    width: int  # working size of the loop frames
    height: int
    mode: str  # "idle" or "replaced" (see persona.avatar.video.loop)
    loop: tuple[bytes, ...]  # JPEG per loop frame
    loop_points: np.ndarray  # float32 (m, 478, 2)
    reference: np.ndarray  # BGR (height, width, 3)
    reference_points: np.ndarray  # float32 (478, 2)
    reference_depth: np.ndarray  # float32 (478,)
    samples: MouthSamples
    facts: dict[str, Any] = field(default_factory=dict)  # clip, loop, timings, coverage
    masks: tuple[bytes, ...] = ()  # PNG alpha per loop frame; () when not computed

    @property
    def n_loop(self) -> int:
        return len(self.loop)

    def loop_frame(self, i: int) -> np.ndarray:
        import cv2

        image = cv2.imdecode(np.frombuffer(self.loop[i], np.uint8), cv2.IMREAD_COLOR)
        return np.asarray(image)

    def mask(self, i: int) -> np.ndarray:
        """The person's alpha in loop frame ``i``: uint8 (h, w), 255 on the person; at
        most the working size (scale it up to the frame)."""
        import cv2

        alpha = cv2.imdecode(np.frombuffer(self.masks[i], np.uint8), cv2.IMREAD_GRAYSCALE)
        return np.asarray(alpha)

    # ------------------------------------------------------------------ saving

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        partial = path.with_name(f".{path.name}.partial")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as z:
                z.writestr("index.json", json.dumps(self._index(), indent=2))
                for i, jpeg in enumerate(self.loop):
                    z.writestr(f"loop/{i:05d}.jpg", jpeg)
                for i, png in enumerate(self.masks):
                    z.writestr(f"masks/{i:05d}.png", png)
                z.writestr("reference.png", _png(self.reference))
                z.writestr("mouths.png", _png(atlas(self.samples.crops)))
                z.writestr("arrays.npz", self._arrays())
            os.replace(partial, path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return path

    def _index(self) -> dict[str, Any]:
        box = self.samples.box
        return {
            "format": FORMAT,
            "kind": "video",
            "fps": self.fps,
            "width": self.width,
            "height": self.height,
            "mode": self.mode,
            "loop_frames": self.n_loop,
            "box": [box.x, box.y, box.w, box.h, box.mouth_width],
            "visemes": list(self.samples.visemes),
            "contexts": [list(self.samples.context(j)) for j in range(len(self.samples))],
            "masks": len(self.masks),
            "facts": self.facts,
        }

    def _arrays(self) -> bytes:
        buf = io.BytesIO()
        s = self.samples
        np.savez_compressed(
            buf,
            loop_points=self.loop_points,
            reference_points=self.reference_points,
            reference_depth=self.reference_depth,
            sample_points=s.points,
            sample_params=s.params,
            sample_sharpness=s.sharpness,
            sample_frames=s.frames,
        )
        return buf.getvalue()

    # ------------------------------------------------------------------ loading

    @staticmethod
    def load(path: str | Path) -> VideoModel:
        """Read a model file. Raises :class:`InputError` for a missing or damaged one."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"video avatar model {path} not found")
        try:
            with zipfile.ZipFile(path) as z:
                index = json.loads(z.read("index.json"))
                _check_format(path, index.get("format"))
                return _read(z, index)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise InputError(f"video avatar model {path.name} is damaged: {exc}") from exc


def _check_format(path: Path, found: object) -> None:
    if found in READABLE:
        return
    if isinstance(found, int) and found > FORMAT:
        raise InputError(
            f"video avatar model {path.name} has format {found}, newer than this version of "
            f"Persona Studio reads (up to {FORMAT}): update Persona Studio, or train the "
            "avatar again from its clip"
        )
    raise ValueError(f"unknown model format {found!r}")


def _read(z: zipfile.ZipFile, index: dict[str, Any]) -> VideoModel:
    arrays = np.load(io.BytesIO(z.read("arrays.npz")))
    x, y, w, h, mw = index["box"]
    box = MouthBox(int(x), int(y), int(w), int(h), float(mw))
    visemes = tuple(index["visemes"])
    contexts = [(str(b), str(a)) for b, a in index.get("contexts", [])]
    if contexts and len(contexts) != len(visemes):
        raise ValueError("sample contexts do not match the samples")
    crops = unpack_atlas(_unpng(z.read("mouths.png")), len(visemes), box.h, box.w)
    samples = MouthSamples(
        box=box,
        crops=crops,
        points=arrays["sample_points"],
        params=arrays["sample_params"],
        visemes=visemes,
        sharpness=arrays["sample_sharpness"],
        frames=arrays["sample_frames"],
        before=tuple(c[0] for c in contexts),
        after=tuple(c[1] for c in contexts),
    )
    n_loop = int(index["loop_frames"])
    loop = tuple(z.read(f"loop/{i:05d}.jpg") for i in range(n_loop))
    n_masks = int(index.get("masks", 0))
    if n_masks not in (0, n_loop):
        raise ValueError(f"{n_masks} masks for {n_loop} loop frames")
    masks = tuple(z.read(f"masks/{i:05d}.png") for i in range(n_masks))
    return VideoModel(
        fps=int(index["fps"]),
        width=int(index["width"]),
        height=int(index["height"]),
        mode=str(index["mode"]),
        loop=loop,
        loop_points=arrays["loop_points"],
        reference=_unpng(z.read("reference.png")),
        reference_points=arrays["reference_points"],
        reference_depth=arrays["reference_depth"],
        samples=samples,
        facts=dict(index.get("facts") or {}),
        masks=masks,
    )


def encode_jpeg(image: np.ndarray) -> bytes:
    import cv2

    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(data)


def _png(image: np.ndarray) -> bytes:
    import cv2

    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("PNG encoding failed")
    return bytes(data)


def _unpng(data: bytes) -> np.ndarray:
    import cv2

    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError("unreadable image")
    return np.asarray(image)


def atlas(crops: np.ndarray, columns: int = ATLAS_COLUMNS) -> np.ndarray:
    """Crops side by side, ``columns`` per row (empty cells black)."""
    k, h, w = crops.shape[:3]
    rows = -(-k // columns)
    sheet = np.zeros((rows * h, columns * w, 3), np.uint8)
    for i in range(k):
        r, c = divmod(i, columns)
        sheet[r * h : (r + 1) * h, c * w : (c + 1) * w] = crops[i]
    return sheet


def unpack_atlas(sheet: np.ndarray, k: int, h: int, w: int) -> np.ndarray:
    columns = sheet.shape[1] // w
    if columns < 1 or -(-k // columns) * h > sheet.shape[0]:
        raise ValueError("mouth atlas does not match its index")
    out = np.empty((k, h, w, 3), np.uint8)
    for i in range(k):
        r, c = divmod(i, columns)
        out[i] = sheet[r * h : (r + 1) * h, c * w : (c + 1) * w]
    return out
