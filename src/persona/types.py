"""Plain data that flows between the engine's stages.

    Script ─voice→ Speech ─lipsync→ MouthTrack ─motion→ FaceTrack ─avatar→ frames ─encode→ file

Time inside the engine is integer milliseconds (``*_ms``) or frame indices; seconds as
floats appear only at the edges (CLI, API, file formats).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# ---------------------------------------------------------------------------- script


@dataclass(frozen=True)
class Prosody:
    """How a segment is spoken: rate, pitch, loudness and emotion.

    ``rate`` multiplies the speaking rate (the engine speaks faster or slower itself);
    ``pitch_st`` shifts the pitch in semitones; ``volume_db`` is a gain in dB (``-inf``
    is silent); ``emotion`` names a preset of :mod:`persona.voice.prosody` (rate, pitch
    and energy contours) applied at ``intensity`` (0 none, 1 full, 2 exaggerated);
    ``None`` leaves the emotion to the script's default.
    """

    rate: float = 1.0
    pitch_st: float = 0.0
    volume_db: float = 0.0
    emotion: str | None = None
    intensity: float = 1.0


@dataclass(frozen=True)
class Segment:
    """One stretch of speech handed to a TTS engine, followed by a pause.

    ``text`` is the spoken form (numbers, dates and abbreviations already expanded);
    ``display`` is the text as the author wrote it, for captions. ``voice`` is a voice
    id for this segment alone (None: the script's voice); ``prosody`` how to speak it.
    """

    text: str
    display: str
    pause_after_ms: int = 0
    lang: str = "en"
    paragraph: int = 0
    prosody: Prosody = field(default_factory=Prosody)
    voice: str | None = None


@dataclass(frozen=True)
class Script:
    segments: tuple[Segment, ...]
    lang: str = "en"

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


# ---------------------------------------------------------------------------- speech

SILENCE = "_"
"""Phone symbol for a pause or silence in a :class:`Speech` timeline."""


@dataclass(frozen=True)
class Phone:
    """One IPA phone with its place in the audio.

    ``symbol`` is IPA without stress marks (length marks stay: ``"ɑː"``); ``stress`` is
    0 (none), 1 (primary) or 2 (secondary). Pauses use :data:`SILENCE`.
    """

    symbol: str
    start_ms: int
    end_ms: int
    stress: int = 0

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Word:
    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True, eq=False)
class Speech:
    """Mono audio plus the timed phones and words that produced it.

    ``phones`` tile the audio: they are contiguous, the first starts at 0 and the last
    ends at :attr:`duration_ms`; gaps are :data:`SILENCE` phones. ``words`` lie within
    the phones' span, in order, without overlap.
    """

    audio: np.ndarray  # float32, shape (n,), in [-1, 1]
    sample_rate: int
    phones: tuple[Phone, ...]
    words: tuple[Word, ...] = ()

    @property
    def duration_ms(self) -> int:
        return round(len(self.audio) * 1000 / self.sample_rate)


# ---------------------------------------------------------------------------- animation

MOUTH_CHANNELS: tuple[str, ...] = (
    "jaw",  # 0 closed lips .. 1 wide open ("ah")
    "width",  # -1 narrow .. 0 neutral .. +1 spread ("ee", smile)
    "round",  # 0 neutral .. 1 fully rounded / puckered ("oo", "w")
    "upper",  # 0 .. 1 upper-lip raise (shows upper teeth)
    "lower",  # -1 lower lip curled down (lower teeth show) .. +1 tucked up under teeth ("f")
    "teeth",  # 0 .. 1 how much of the teeth show when the lips part
    "tongue",  # 0 .. 1 tongue visibility ("l", "th", open vowels)
)
"""Columns of :attr:`MouthTrack.params`, in order."""


@dataclass(frozen=True, eq=False)
class MouthTrack:
    """Per-frame continuous mouth parameters (see :data:`MOUTH_CHANNELS`).

    Frame ``k`` shows time ``k * 1000 / fps`` ms. ``visemes[k]`` names the dominant
    viseme at that frame (for contact sheets, cue export and tests).
    """

    fps: float
    params: np.ndarray  # float32, shape (n_frames, len(MOUTH_CHANNELS))
    visemes: tuple[str, ...] = ()

    @property
    def n_frames(self) -> int:
        return int(self.params.shape[0])

    def channel(self, name: str) -> np.ndarray:
        return self.params[:, MOUTH_CHANNELS.index(name)]


HEAD_CHANNELS: tuple[str, ...] = (
    "yaw",  # degrees, + turns toward the viewer's right
    "pitch",  # degrees, + nods down
    "roll",  # degrees, + tilts clockwise as seen by the viewer
    "tx",  # horizontal shift in face widths
    "ty",  # vertical shift in face widths
)


@dataclass(frozen=True, eq=False)
class FaceTrack:
    """Per-frame face state besides the mouth: eyelids, head pose, brows, smile."""

    fps: float
    blink: np.ndarray  # float32 (n,), 0 open .. 1 closed
    head: np.ndarray  # float32 (n, len(HEAD_CHANNELS))
    brow: np.ndarray  # float32 (n,), 0 rest .. 1 raised
    smile: np.ndarray  # float32 (n,), 0 rest .. 1 smiling

    @property
    def n_frames(self) -> int:
        return int(self.blink.shape[0])


@dataclass(frozen=True)
class FaceState:
    """The face parameters of one frame, as a renderer receives them."""

    mouth: tuple[float, ...]  # one value per MOUTH_CHANNELS entry
    blink: float = 0.0
    head: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0, 0.0)
    brow: float = 0.0
    smile: float = 0.0
    frame: int = 0  # output frame index (video avatars pick their loop frame by it)
    viseme: str = ""  # the dominant viseme (MouthTrack.visemes), "" when unknown

    @staticmethod
    def rest() -> FaceState:
        return FaceState(mouth=(0.0,) * len(MOUTH_CHANNELS))


# ---------------------------------------------------------------------------- frames


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, eq=False)
class Frame:
    """One rendered video frame.

    ``image`` is BGR uint8 (H, W, 3). ``dirty`` is the region that may differ from the
    previous frame of the same renderer (``None``: anything may have changed); the
    encoder converts only that region. A renderer may reuse ``image``'s buffer on the
    next call, so consumers copy what they keep.
    """

    image: np.ndarray
    dirty: Rect | None = None


@dataclass(frozen=True)
class VideoSpec:
    width: int = 1280
    height: int = 720
    fps: int = 25
    container: str = "mp4"  # "mp4" (H.264 + AAC) or "webm" (VP9 + Opus)
    preset: str = "veryfast"  # x264 preset
    crf: int = 23
    keyframe_ms: int = 10_000  # a key frame at least this often
    max_kbps: int = 0  # video bitrate cap in kbit/s (0: none, constant quality only)
    edit_list: bool = True  # MP4: False writes none (some upload sites ask for that)


@dataclass(frozen=True)
class RenderOptions:
    """Everything a render needs besides the script and the avatar photo."""

    video: VideoSpec = field(default_factory=VideoSpec)
    voice: str | None = None  # None: the language's default voice
    lang: str | None = "en"  # None or "auto": the voice's language, else detected from the text
    speed: float = 1.0
    seed: int = 0
    background: str | None = None  # "#rrggbb", "blur", "blur:SIGMA" or a picture's path
    shot: str = "head-and-shoulders"  # photo framing: "close-up", "head-and-shoulders", "medium"
    pitch: float = 0.0  # semitones, -12..12, added to every segment's own
    volume: float = 0.0  # dB gain, -40..12, added to every segment's own
    emotion: str = "neutral"  # default emotion of segments that name none
