"""How fast can the encoder alone go? The floor under any end-to-end render time.

Import :func:`encode_floor` to time encoding of frames that are already in memory as I420
(record them with :class:`persona.media.RawFrameRecorder` while rendering), with exactly
the settings :class:`persona.media.VideoWriter` uses. Run as a script to print a table:

    .venv/bin/python benchmarks/encode_floor.py             # 750 frames, 720p and 1080p
    .venv/bin/python benchmarks/encode_floor.py --frames 250 --sizes 1280x720

The synthetic clip imitates a talking head: a static photo background in which only a
300×350 region (the face) changes from frame to frame.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import cv2
import numpy as np

from persona.media import RawFrameRecorder, encode_i420_frames, resample
from persona.media.formats import AUDIO_RATE, profile_for
from persona.media.yuv import I420Canvas
from persona.types import Frame, Rect, VideoSpec

PHOTO = Path(__file__).resolve().parents[1] / "src" / "persona" / "assets" / "astronaut.jpg"
FACE_W, FACE_H = 300, 350


@dataclass(frozen=True)
class FloorResult:
    frames: int
    seconds: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


def encode_floor(
    frames: Iterable[np.ndarray],
    spec: VideoSpec,
    audio: np.ndarray | None = None,
    sample_rate: int = AUDIO_RATE,
    path: Path | None = None,
) -> FloorResult:
    """Time encoding ``frames`` (I420 arrays) plus ``audio`` (silence when ``None``) into
    ``path`` (a temporary file when ``None``). Pass a list so that producing the frames
    is not timed."""
    silence = np.zeros(1, np.float32) if audio is None else audio
    resample(silence[:16], sample_rate, AUDIO_RATE)  # loads scipy.signal before the clock starts
    with tempfile.TemporaryDirectory() as tmp:
        out = path or Path(tmp) / f"floor.{spec.container}"
        start = time.perf_counter()
        n = encode_i420_frames(out, spec, frames, silence, sample_rate)
        seconds = time.perf_counter() - start
    return FloorResult(n, seconds)


# ---------------------------------------------------------------------------- synthetic clip


def talking_head(width: int, height: int, n: int) -> Iterator[Frame]:
    """A photo background with a face-sized region that wobbles like a talking head."""
    photo = cv2.imread(str(PHOTO))
    scale = max(width / photo.shape[1], height / photo.shape[0])
    photo = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    oy, ox = 0, (photo.shape[1] - width) // 2  # keep the top: the face stays in view
    background = np.ascontiguousarray(photo[oy : oy + height, ox : ox + width])
    fw, fh = min(FACE_W, width), min(FACE_H, height)
    face = Rect((width - fw) // 2, (height - fh) // 3, fw, fh)
    region = background[face.y : face.y + face.h, face.x : face.x + face.w]
    ys, xs = np.mgrid[0 : face.h, 0 : face.w].astype(np.float32)
    bump = np.exp(-(((xs - fw / 2) / (fw / 3)) ** 2 + ((ys - fh * 0.7) / (fh / 5)) ** 2))
    image = background.copy()
    for k in range(n):
        jaw = (6.0 * abs(np.sin(k * 0.45)) * bump).astype(np.float32)
        sway = np.float32(2.0 * np.sin(k * 0.07))
        moved = cv2.remap(
            region, xs + sway, ys - jaw, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        image[face.y : face.y + face.h, face.x : face.x + face.w] = moved
        yield Frame(image, None if k == 0 else face)


def record(width: int, height: int, n: int, unique: int = 150) -> list[np.ndarray]:
    """``n`` I420 frames of :func:`talking_head`; ``unique`` distinct ones played back and
    forth (keeps memory low for long 1080p clips without freezing the motion)."""
    recorder = RawFrameRecorder(width, height)
    for frame in talking_head(width, height, min(n, unique)):
        recorder.write(frame)
    pool = recorder.frames
    cycle = pool + pool[-2:0:-1]
    return [cycle[k % len(cycle)] for k in range(n)]


def speech_like(seconds: float, rate: int = 22050) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    voiced = 0.3 * np.sin(2 * np.pi * 140 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 4 * t))
    hiss = np.random.default_rng(0).normal(0, 0.02, len(t))
    return (voiced + hiss).astype(np.float32)


# ---------------------------------------------------------------------------- measurements


def conversion_ms(width: int, height: int, n: int = 100) -> tuple[float, float]:
    """Milliseconds per frame for BGR→I420 of the dirty region only vs the whole frame."""
    frames = [Frame(f.image.copy(), f.dirty) for f in talking_head(width, height, n)]
    timings = []
    for whole in (False, True):
        canvas = I420Canvas(width, height)
        canvas.update(frames[0])
        start = time.perf_counter()
        for f in frames[1:]:
            canvas.update(Frame(f.image) if whole else f)
        timings.append((time.perf_counter() - start) * 1000 / (n - 1))
    return timings[0], timings[1]


def audio_encode_s(container: str, seconds: float = 30.0) -> float:
    """Seconds to encode ``seconds`` of mono 48 kHz audio with the writer's audio settings."""
    profile = profile_for(VideoSpec(container=container))
    audio = speech_like(seconds, AUDIO_RATE)
    with tempfile.TemporaryDirectory() as tmp:
        out = av.open(str(Path(tmp) / f"a.{container}"), "w", format=profile.format)
        stream = cast(
            av.AudioStream,
            out.add_stream(profile.audio_codec, rate=AUDIO_RATE, options=profile.audio_options),
        )
        stream.layout = "mono"
        stream.format = profile.audio_format
        start = time.perf_counter()
        step = 1024 if container == "mp4" else 960
        for pos in range(0, len(audio), step):
            frame = av.AudioFrame.from_ndarray(
                audio[np.newaxis, pos : pos + step], format=profile.audio_format, layout="mono"
            )
            frame.sample_rate, frame.pts = AUDIO_RATE, pos
            frame.time_base = Fraction(1, AUDIO_RATE)
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
        out.close()
        return time.perf_counter() - start


def encode_table(size: str, args: argparse.Namespace, audio: np.ndarray) -> None:
    """Print one row per codec/preset for ``size``: best and median of ``args.repeat`` runs."""
    w, h = (int(v) for v in size.split("x"))
    frames = record(w, h, args.frames)
    rows = [("mp4", p) for p in args.presets.split(",")]
    rows += [] if args.no_webm else [("webm", "veryfast")]
    for container, preset in rows:
        spec = VideoSpec(w, h, args.fps, container, preset)
        runs = sorted(encode_floor(frames, spec, audio, 22050).seconds for _ in range(args.repeat))
        best, median = runs[0], runs[len(runs) // 2]
        codec = "h264" if container == "mp4" else "vp9"
        print(
            f"{size:>10} {codec:>5} {preset:>10} {args.frames:>6} {best:>7.2f} {median:>7.2f} "
            f"{args.frames / best:>8.1f} {args.frames / median:>8.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--frames", type=int, default=750)
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--sizes", default="1280x720,1920x1080")
    parser.add_argument("--presets", default="ultrafast,superfast,veryfast")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row (best, median)")
    parser.add_argument("--no-webm", action="store_true", help="skip the VP9/Opus row")
    args = parser.parse_args()
    audio = speech_like(args.frames / args.fps)
    print(
        f"{'size':>10} {'codec':>5} {'preset':>10} {'frames':>6} {'best s':>7} {'med s':>7} "
        f"{'best fps':>8} {'med fps':>8}"
    )
    for size in args.sizes.split(","):
        encode_table(size, args, audio)
    for size in args.sizes.split(","):
        w, h = (int(v) for v in size.split("x"))
        dirty, whole = conversion_ms(w, h)
        print(f"BGR→I420 at {size}: dirty {FACE_W}×{FACE_H} {dirty:.3f} ms, whole {whole:.3f} ms")
    for container in ("mp4", "webm"):
        name = "AAC (fast coder)" if container == "mp4" else "Opus"
        seconds = min(audio_encode_s(container) for _ in range(args.repeat))
        print(f"{name}: 30 s of mono 48 kHz audio encoded in {seconds:.3f} s")


if __name__ == "__main__":
    main()
