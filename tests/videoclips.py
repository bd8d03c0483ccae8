"""Talking-head clips for the video avatar tests and benchmark, made from our own renders.

No real footage ships with the project, so a clip is made the way a user's phone video
would look to the trainer: the photo engine speaks a script with the bundled portrait
(pauses give idle stretches), then every frame is moved by a slow camera drift (pan, zoom
and a small roll), grain is added, and the result is re-encoded in the container asked
for (MP4, MOV, MKV or WebM), optionally with variable frame timing, without audio, or
stored turned with a rotation tag as phones store portrait video (``rotation``).

The known phones of the render come back with the clip, so a test can train without the
speech recogniser and check what was harvested against the truth.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from persona.types import Speech

ASSETS = Path(__file__).resolve().parents[1] / "src" / "persona" / "assets"

SCRIPT = (
    "Hello, my name is Eileen. [pause 3s] "
    "I fly big ships to the moon and back, with a map, fuel and food. "
    "Would you like to join our crew? [pause 2.5s] "
    "Look up at the sky tonight, wave at the stars, and think of us. [pause 1.5s]"
)
"""About 18 s: most visemes, and two pauses long enough for an idle loop."""

_CODECS = {
    ".mp4": ("libx264", "aac"),
    ".mov": ("libx264", "aac"),
    ".mkv": ("libx264", "pcm_s16le"),
    ".webm": ("libvpx-vp9", "libopus"),
}


@dataclass(frozen=True, eq=False)
class TalkingClip:
    path: Path
    speech: Speech  # the phones as rendered (time 0 is the first frame)
    fps: int
    n_frames: int
    size: tuple[int, int]


@dataclass(frozen=True, eq=False)
class Rendered:
    """A photo-engine render held in memory, to be written out as clips."""

    frames: list[np.ndarray]
    audio: np.ndarray
    rate: int
    speech: Speech
    fps: int


def render_talking(
    text: str = SCRIPT,
    size: tuple[int, int] = (480, 270),
    fps: int = 25,
    portrait: Path = ASSETS / "astronaut.jpg",
) -> Rendered:
    """The photo engine speaking ``text`` with ``portrait``, decoded back to frames."""
    from persona.media import read_audio, read_video_frames
    from persona.pipeline import render_video
    from persona.types import RenderOptions, VideoSpec

    width, height = size
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain.mp4"
        spec = VideoSpec(width=width, height=height, fps=fps)
        result = render_video(text, portrait, plain, RenderOptions(video=spec))
        sound, rate = read_audio(plain)
        frames = list(read_video_frames(plain))
    return Rendered(frames, sound, rate, result.speech, fps)


def write_clip(
    rendered: Rendered,
    path: Path,
    *,
    drift: bool = True,
    noise: float = 3.0,
    audio: bool = True,
    jitter: bool = False,
    rotation: int = 0,
) -> TalkingClip:
    """Write ``rendered`` as a handheld-looking clip in the container ``path`` names.

    ``jitter`` writes variable frame timing (every frame's time moved by up to a third of
    a frame, a few frames dropped), as phones record. ``rotation`` (0, 90, 180, 270)
    stores every picture turned and tags the stream so that a player turns it back
    clockwise by that much (see :func:`tag_rotation`); ``size`` stays the upright size.
    """
    fps = rendered.fps
    rng = np.random.default_rng(7)
    moved = [
        _grain(_drift(f, k / fps) if drift else f, noise, rng)
        for k, f in enumerate(rendered.frames)
    ]
    sound = rendered.audio if audio else None
    _encode(path, moved, fps, sound, rendered.rate, jitter, rotation)
    h, w = rendered.frames[0].shape[:2]
    return TalkingClip(path, rendered.speech, fps, len(moved), (w, h))


def make_talking_clip(
    path: Path,
    *,
    text: str = SCRIPT,
    size: tuple[int, int] = (480, 270),
    fps: int = 25,
    drift: bool = True,
    noise: float = 3.0,
    audio: bool = True,
    jitter: bool = False,
    rotation: int = 0,
) -> TalkingClip:
    """Render ``text`` with the photo engine and write it as a handheld-looking clip."""
    rendered = render_talking(text, size, fps)
    return write_clip(
        rendered, path, drift=drift, noise=noise, audio=audio, jitter=jitter, rotation=rotation
    )


def write_still_clip(
    path: Path,
    image: np.ndarray,
    seconds: float,
    *,
    fps: int = 2,
    audio: bool = True,
    rotation: int = 0,
) -> Path:
    """``image`` held for ``seconds`` at a low frame rate, over a quiet hum: a cheap clip
    for the checks that come before any speech matters (``rotation`` as in
    :func:`write_clip`)."""
    n = max(1, round(seconds * fps))
    rate = 16000
    t = np.arange(round(seconds * rate)) / rate
    hum = (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    _encode(path, [image] * n, fps, hum if audio else None, rate, jitter=False, rotation=rotation)
    return path


def tag_rotation(stream: av.VideoStream, degrees: int) -> None:
    """Tag ``stream`` so that players turn its pictures clockwise by ``degrees`` to show
    them: a display matrix (what phones write; PyAV 18 and later can set one), or with
    an older PyAV the ``rotate`` tag, which older FFmpeg muxers turned into a display
    matrix and newer ones drop (:func:`read_rotation` tells which happened)."""
    if hasattr(stream, "set_display_rotation"):
        stream.set_display_rotation(-degrees)  # PyAV counts counter-clockwise
    else:
        stream.metadata["rotate"] = str(degrees)


def read_rotation(path: Path) -> int:
    """The clockwise turn (0..270) the file's first picture asks to be shown with, as
    FFmpeg reads it back from the display matrix (0 when there is none)."""
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
        return round(-float(getattr(frame, "rotation", 0) or 0)) % 360


def _drift(frame: np.ndarray, t: float) -> np.ndarray:
    """A slow handheld camera: pan by 2 % of the width, zoom by 3 %, roll by 1.5°."""
    import cv2

    h, w = frame.shape[:2]
    zoom = 1.03 + 0.03 * math.sin(2 * math.pi * t / 9.0)
    angle = 1.5 * math.sin(2 * math.pi * t / 7.0)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, zoom)
    m[0, 2] += 0.02 * w * math.sin(2 * math.pi * t / 11.0)
    m[1, 2] += 0.01 * h * math.cos(2 * math.pi * t / 13.0)
    return cv2.warpAffine(frame, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def _grain(frame: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    if sigma <= 0:
        return frame
    noisy = frame.astype(np.float32) + rng.normal(0.0, sigma, frame.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _encode(
    path: Path,
    frames: list[np.ndarray],
    fps: int,
    audio: np.ndarray | None,
    rate: int,
    jitter: bool,
    rotation: int = 0,
) -> None:
    video_codec, audio_codec = _CODECS[path.suffix.lower()]
    if rotation % 360:
        # stored turned back (counter-clockwise) by what the tag tells a player to turn
        frames = [np.ascontiguousarray(np.rot90(f, k=rotation // 90)) for f in frames]
    h, w = frames[0].shape[:2]
    with av.open(str(path), "w") as out:
        vs = out.add_stream(video_codec, rate=fps)
        assert isinstance(vs, av.VideoStream)
        vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
        if rotation % 360:
            tag_rotation(vs, rotation % 360)
        if jitter:  # millisecond times leave room for uneven frame spacing
            vs.codec_context.time_base = vs.time_base = Fraction(1, 1000)
        as_: av.AudioStream | None = None
        if audio is not None:
            # 16 kHz keeps FFmpeg's AAC encoder quick; Opus takes 48 kHz only.
            sound = out.add_stream(audio_codec, rate=48000 if audio_codec == "libopus" else 16000)
            assert isinstance(sound, av.AudioStream)
            as_ = sound
        rng = np.random.default_rng(3)
        for k, image in enumerate(frames):
            if jitter and k % 37 == 5:
                continue  # a dropped frame
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            if jitter:
                frame.pts = round((k + rng.uniform(-0.3, 0.3)) * 1000 / fps) if k else 0
                frame.time_base = Fraction(1, 1000)
            for packet in vs.encode(frame):
                out.mux(packet)
        for packet in vs.encode():
            out.mux(packet)
        if as_ is not None and audio is not None:
            _encode_audio(out, as_, audio, rate)


def _encode_audio(
    out: av.container.OutputContainer, stream: av.AudioStream, audio: np.ndarray, rate: int
) -> None:
    from persona.media import resample

    target = stream.codec_context.sample_rate
    samples = resample(audio, rate, target) if target != rate else audio
    step = 960 if stream.codec_context.name == "libopus" else 1024
    resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=target)
    for start in range(0, len(samples), step):
        chunk = samples[start : start + step].astype(np.float32)
        if len(chunk) < step:
            chunk = np.pad(chunk, (0, step - len(chunk)))
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
        frame.sample_rate = target
        frame.pts = start
        for converted in resampler.resample(frame):
            for packet in stream.encode(converted):
                out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)
