"""What the encoder accepts and how each container is encoded.

Two containers are supported:

* ``mp4``: H.264 (libx264, yuv420p) video and AAC audio, ``moov`` atom at the front so
  browsers start playing before the download ends; with ``VideoSpec.edit_list=False``
  no edit list either (upload sites ask for that): B-frames keep their times through
  negative composition offsets, and the encoder skips the AAC priming itself;
* ``webm``: VP9 (libvpx-vp9 in its real-time mode) video and Opus audio.

Frames reach the encoder as I420 produced by OpenCV, which uses the BT.601 matrix with
limited ("TV") range; the streams are tagged that way so players convert back to the
right colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from persona.errors import InputError, OutputPathError
from persona.types import VideoSpec

AUDIO_RATE = 48000
"""Sample rate of every encoded audio track (AAC and Opus both run natively at 48 kHz)."""

AAC_PRIMING_SAMPLES = 1024
"""Samples of encoder delay FFmpeg's AAC encoder puts before the first input sample."""

MIN_SIDE = 256
MAX_SIDE = 1920
MAX_PIXELS = 1920 * 1080
MAX_FPS = 60
MIN_KEYFRAME_MS = 100
MAX_KEYFRAME_MS = 60_000

VBV_BUFFER_S = 2
"""With a bitrate cap, the encoder's buffer holds this many seconds at the cap: short
bursts (a head turn) may exceed the cap, the average over 2 s may not."""

X264_PRESETS: tuple[str, ...] = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
)

SUFFIXES: dict[str, str] = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mp4", ".webm": "webm"}
"""Output file suffixes and the container each one implies."""

# FFmpeg's numeric colour tags (AVColorSpace, AVColorRange, AVColorPrimaries,
# AVColorTransferCharacteristic). OpenCV's BGR→I420 is BT.601 (SMPTE 170M) limited range;
# the RGB it starts from is sRGB, whose primaries and transfer are those of BT.709.
COLORSPACE_SMPTE170M = 6
COLOR_RANGE_TV = 1
COLOR_PRIMARIES_BT709 = 1
COLOR_TRC_BT709 = 1

# VP9's quality scale runs 0..63 where x264's runs 0..51, so crf is scaled by 63 / 51. On a
# 720p talking-head clip, VP9 (real-time) at 28 measured 48.6 dB PSNR at 156 kbit/s against
# x264 veryfast at 23: 45.1 dB at 93 kbit/s.
_VP9_CRF_SCALE = 63 / 51

# x264 preset → libvpx "cpu-used" (higher is faster; 8 is the fastest real-time setting).
_VP9_CPU_USED = {
    "ultrafast": 8,
    "superfast": 8,
    "veryfast": 8,
    "faster": 7,
    "fast": 6,
    "medium": 6,
    "slow": 5,
    "slower": 5,
    "veryslow": 5,
    "placebo": 5,
}


@dataclass(frozen=True)
class Profile:
    """Codec names and options that turn a :class:`VideoSpec` into streams."""

    format: str  # FFmpeg muxer name
    video_codec: str
    video_options: dict[str, str]
    audio_codec: str
    audio_format: str  # sample format the audio encoder is fed
    audio_options: dict[str, str]
    container_options: dict[str, str]
    frame_threads: bool  # let the codec encode several frames at once (x264)


def container_for_path(path: str | Path) -> str:
    """Map an output file name to a container: ``.mp4``/``.m4v``/``.mov`` → ``"mp4"``,
    ``.webm`` → ``"webm"``; anything else raises :class:`OutputPathError`."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        supported = ", ".join(SUFFIXES)
        shown = suffix or "no suffix"
        raise OutputPathError(
            f"cannot write {path}: unsupported file type ({shown}); use one of {supported}"
        ) from None


def check_spec(spec: VideoSpec) -> None:
    """Raise :class:`InputError` (or :class:`OutputPathError` for the container) when the
    encoder cannot produce ``spec``."""
    if spec.container not in ("mp4", "webm"):
        raise OutputPathError(f"unsupported container {spec.container!r}; use 'mp4' or 'webm'")
    w, h = spec.width, spec.height
    if w % 2 or h % 2:
        raise InputError(f"video size {w}×{h} is not supported: width and height must be even")
    if min(w, h) < MIN_SIDE or max(w, h) > MAX_SIDE or w * h > MAX_PIXELS:
        raise InputError(
            f"video size {w}×{h} is not supported: each side must lie in "
            f"{MIN_SIDE}..{MAX_SIDE} pixels and the frame must not exceed 1920×1080 pixels"
        )
    if not 1 <= spec.fps <= MAX_FPS:
        raise InputError(f"frame rate {spec.fps} is not supported: use 1..{MAX_FPS} fps")
    if spec.preset not in X264_PRESETS:
        raise InputError(
            f"unknown encoder preset {spec.preset!r}; use one of {', '.join(X264_PRESETS)}"
        )
    if not 0 <= spec.crf <= 51:
        raise InputError(f"quality (crf) {spec.crf} is out of range; use 0..51 (lower is better)")
    if not MIN_KEYFRAME_MS <= spec.keyframe_ms <= MAX_KEYFRAME_MS:
        raise InputError(
            f"key frame interval {spec.keyframe_ms} ms is out of range; "
            f"use {MIN_KEYFRAME_MS}..{MAX_KEYFRAME_MS} ms"
        )
    if spec.max_kbps < 0:
        raise InputError(f"bitrate cap {spec.max_kbps} kbit/s must not be negative")


def profile_for(spec: VideoSpec) -> Profile:
    """The codecs and options used to encode ``spec`` (assumed valid, see :func:`check_spec`)."""
    keyint = str(max(1, round(spec.keyframe_ms * spec.fps / 1000)))
    cap = {"maxrate": f"{spec.max_kbps}k", "bufsize": f"{VBV_BUFFER_S * spec.max_kbps}k"}
    if spec.container == "mp4":
        return Profile(
            format="mp4",
            video_codec="libx264",
            video_options={
                "preset": spec.preset,
                "crf": str(spec.crf),
                "g": keyint,
                **(cap if spec.max_kbps else {}),
            },
            audio_codec="aac",
            audio_format="fltp",
            # FFmpeg's default AAC coder (twoloop) is about 5× slower for no audible gain
            # on speech.
            audio_options={"aac_coder": "fast", "b": "128k"},
            container_options=_mp4_options(spec),
            frame_threads=True,
        )
    return Profile(
        format="webm",
        video_codec="libvpx-vp9",
        video_options={
            "deadline": "realtime",
            "cpu-used": str(_VP9_CPU_USED[spec.preset]),
            "row-mt": "1",
            "tile-columns": "2",
            "crf": str(round(spec.crf * _VP9_CRF_SCALE)),
            # with crf: constant quality; with a cap too, constrained quality
            "b": f"{spec.max_kbps}k" if spec.max_kbps else "0",
            "g": keyint,
        },
        audio_codec="libopus",
        audio_format="flt",
        audio_options={"b": "96k"},
        container_options={},
        frame_threads=False,
    )


def audio_skip(spec: VideoSpec) -> int:
    """Samples the encoder leaves out at the start of the audio: the AAC priming when no
    edit list tells players to skip it (they then play it, so the sound lines up)."""
    return AAC_PRIMING_SAMPLES if spec.container == "mp4" and not spec.edit_list else 0


def _mp4_options(spec: VideoSpec) -> dict[str, str]:
    if spec.edit_list:
        return {"movflags": "+faststart"}
    return {"movflags": "+faststart+negative_cts_offsets", "use_editlist": "0"}
