"""What a marked video may go through after it leaves the studio, for tests and the
benchmark: re-encoding, downscaling, cropping and trimming, alone or together.

    attack(source, target, Attack(crf=28, scale=0.5, crop=0.1, seconds=5))

One decode → transform → H.264 encode pass with PyAV (libx264, yuv420p), as an upload
site or a re-post would do it; no sound is kept.

:func:`render_clip` makes the material: an avatar moving its mouth, head and eyes for
a few seconds, without speech, encoded as the pipeline encodes, through the filters
given (none: an unmarked video, which the pipeline itself never makes).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import av
import cv2
import numpy as np

from persona.pipeline import FrameFilter
from persona.types import MOUTH_CHANNELS, FaceState, Frame, VideoSpec


@dataclass(frozen=True)
class Attack:
    """``crf``: x264 constant quality; ``scale``: size factor; ``crop``: share cut off
    each edge (``sides="all"``) or off the right edge only (``sides="right"``);
    ``seconds``: keep only the first seconds (None: all)."""

    name: str = "none"
    crf: int = 18
    scale: float = 1.0
    crop: float = 0.0
    sides: str = "all"
    seconds: float | None = None

    def transform(self, frame: np.ndarray) -> np.ndarray:
        h, w = frame.shape[:2]
        if self.crop > 0:
            dy, dx = round(self.crop * h), round(self.crop * w)
            right = self.sides == "right"
            frame = frame[:, : w - dx] if right else frame[dy : h - dy, dx : w - dx]
        if self.scale != 1.0:
            h, w = frame.shape[:2]
            size = (max(2, round(w * self.scale)), max(2, round(h * self.scale)))
            frame = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        h, w = frame.shape[:2]
        return np.ascontiguousarray(frame[: h - h % 2, : w - w % 2])


ATTACKS = (
    Attack("none"),
    Attack("crf28", crf=28),
    Attack("downscale50", scale=0.5),
    Attack("crop10", crop=0.1),
    Attack("crop10-right", crop=0.1, sides="right"),
    Attack("trim5s", seconds=5.0),
    Attack("combined", crf=28, scale=0.5, crop=0.1, seconds=5.0),
)


def attack(source: str | Path, target: str | Path, how: Attack) -> Path:
    """Write ``source`` to ``target`` (an .mp4) as ``how`` changes it."""
    with av.open(str(source)) as src, av.open(str(target), "w") as out:
        stream_in = src.streams.video[0]
        rate = stream_in.average_rate or 25
        limit = None if how.seconds is None else round(how.seconds * float(rate))
        stream = None
        for k, frame in enumerate(src.decode(video=0)):
            if limit is not None and k >= limit:
                break
            image = how.transform(frame.to_ndarray(format="bgr24"))
            if stream is None:
                stream = out.add_stream("libx264", rate=rate)
                stream.width, stream.height = image.shape[1], image.shape[0]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": str(how.crf), "preset": "veryfast"}
            picture = av.VideoFrame.from_ndarray(image, format="bgr24")
            for packet in stream.encode(picture):
                out.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                out.mux(packet)
    return Path(target)


def render_clip(
    avatar: str | Path,
    path: str | Path,
    size: tuple[int, int],
    seconds: float = 3.0,
    filters: Sequence[FrameFilter] = (),
    seed: int = 0,
) -> Path:
    """An mp4 of ``avatar`` (what :func:`~persona.avatar.base.open_avatar` opens) at
    ``size``, talking without sound for ``seconds``, through ``filters``."""
    from persona.media import VideoWriter

    spec = VideoSpec(width=size[0], height=size[1], fps=25)
    n = round(seconds * spec.fps)
    silence = np.zeros(round(seconds * 16000), dtype=np.float32)
    with VideoWriter(path, spec, silence, 16000, total_frames=n) as writer:
        for k, frame in enumerate(clip_frames(avatar, size, n, seed)):
            for f in filters:
                frame = f.apply(frame, k)
            writer.write(frame)
    return Path(path)


def clip_frames(
    avatar: str | Path, size: tuple[int, int], n: int, seed: int = 0
) -> Iterator[Frame]:
    """``n`` frames of ``avatar`` at ``size`` (25 fps): the jaw opening and closing
    about three times a second, the head turning slowly, a blink every 2.4 s. Each
    frame reuses the renderer's buffer."""
    from persona.avatar.base import open_avatar

    rig = open_avatar(str(avatar), size[0], size[1], fps=25)
    phase = np.random.default_rng(seed).random(4) * 2 * np.pi
    rest = (0.0,) * (len(MOUTH_CHANNELS) - 1)
    for k in range(n):
        t = k / 25
        jaw = float(0.5 + 0.5 * np.sin(2 * np.pi * 3.1 * t + phase[0]))
        head = tuple(float(0.08 * np.sin(2 * np.pi * 0.3 * t + p)) for p in phase[1:])
        state = FaceState(mouth=(jaw, *rest), head=(*head, 0.0, 0.0), blink=float(k % 60 < 3))
        yield rig.render(replace(state, frame=k))
