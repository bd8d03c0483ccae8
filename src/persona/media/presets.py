"""Export presets: the size, frame rate and encoder settings each upload site asks for.

    preset = get_preset("shorts")
    spec = preset.video_spec(container="mp4")        # 1080x1920, 30 fps, capped CRF
    for message in length_warnings(preset, duration_ms): ...

Every preset encodes the way the sites' upload guides ask: H.264 High profile with
closed GOPs (x264's default) and a key frame every 2 s, AAC at 48 kHz, the ``moov`` atom
at the front of the file and no edit list (YouTube and Instagram ask for both); or VP9 +
Opus at 48 kHz in a WebM file when the output ends in ``.webm``. Quality is constant
(CRF 20: the sites re-encode every upload, so the upload should be better than what
viewers get) with a bitrate cap that keeps a file inside the sites' size limits.

Platform limits as their upload guides state them (checked 2025): YouTube recommends
8 Mbit/s for 1080p at 24-30 fps and takes up to 12 hours (15 minutes before an account
is verified); Shorts up to 3 minutes; TikTok up to 10 minutes from the app; Instagram
Reels up to 3 minutes in the app (15 minutes through the API, 3 s at least, 300 MB at
most); LinkedIn 3 s to 15 minutes and 5 GB. A video outside those lengths is still
written, with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from persona.errors import InputError
from persona.types import VideoSpec

KEYFRAME_MS = 2000
"""A key frame every 2 s: what streaming sites use themselves, and seeking stays quick."""

CRF = 20


@dataclass(frozen=True)
class ExportPreset:
    """One upload target. ``max_kbps`` caps the video bitrate; ``min_s``/``max_s`` are
    the shortest and longest video the site takes in that place."""

    name: str
    site: str  # as people call it: "YouTube Shorts"
    width: int
    height: int
    fps: int
    max_kbps: int
    max_s: int
    min_s: int = 0
    crf: int = CRF
    keyframe_ms: int = KEYFRAME_MS

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    def video_spec(
        self,
        container: str = "mp4",
        *,
        size: tuple[int, int] | None = None,
        fps: int | None = None,
        preset: str = "veryfast",
    ) -> VideoSpec:
        """The encoder settings of this preset; ``size`` and ``fps`` override its own."""
        width, height = size or self.size
        return VideoSpec(
            width=width,
            height=height,
            fps=fps or self.fps,
            container=container,
            preset=preset,
            crf=self.crf,
            keyframe_ms=self.keyframe_ms,
            max_kbps=self.max_kbps,
            edit_list=False,
        )


_TABLE = (
    ExportPreset("youtube", "YouTube", 1920, 1080, 30, max_kbps=12_000, max_s=12 * 3600),
    ExportPreset("shorts", "YouTube Shorts", 1080, 1920, 30, max_kbps=12_000, max_s=180),
    ExportPreset("tiktok", "TikTok", 1080, 1920, 30, max_kbps=8_000, max_s=600),
    ExportPreset("reels", "Instagram Reels", 1080, 1920, 30, max_kbps=8_000, max_s=180, min_s=3),
    ExportPreset("instagram", "Instagram", 1080, 1080, 30, max_kbps=6_000, max_s=900, min_s=3),
    ExportPreset("linkedin", "LinkedIn", 1920, 1080, 30, max_kbps=10_000, max_s=900, min_s=3),
)

PRESETS: dict[str, ExportPreset] = {p.name: p for p in _TABLE}
"""Every export preset by name, in a fixed order."""


def get_preset(name: str) -> ExportPreset:
    """The preset called ``name`` (any case); :class:`InputError` names the known ones."""
    try:
        return PRESETS[name.strip().lower()]
    except KeyError:
        known = ", ".join(PRESETS)
        raise InputError(f"unknown export preset {name!r}: use one of {known}") from None


def length_warnings(preset: ExportPreset, duration_ms: int) -> list[str]:
    """What to tell the user when a video of ``duration_ms`` does not fit ``preset``."""
    seconds = duration_ms / 1000
    if seconds > preset.max_s:
        return [
            f"{preset.site} takes videos up to {_clock(preset.max_s)}; "
            f"this one is {_clock(seconds)} long"
        ]
    if seconds < preset.min_s:
        return [
            f"{preset.site} takes videos of at least {preset.min_s} s; "
            f"this one is {seconds:.1f} s long"
        ]
    return []


def _clock(seconds: float) -> str:
    """``seconds`` as h:mm:ss or m:ss."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
