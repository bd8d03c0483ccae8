"""Plain data of a scene, from the scene file to the finished video.

    SceneSpec + Dialogue ─speak→ Conversation ─animate→ SpeakerTrack per speaker
        ─direct→ Shot list + Banner list ─compose/encode→ SceneResult

Times are integer milliseconds (``*_ms``) or frame indices, as everywhere in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from persona.compose.layouts import Region
from persona.types import FaceTrack, MouthTrack, Speech

if TYPE_CHECKING:
    from persona.compose.captions import Cue as CaptionCue

# ---------------------------------------------------------------------------- the scene file


@dataclass(frozen=True)
class Speaker:
    """One person of the scene. ``id`` is the scene file's key; the script names a
    speaker by ``id`` or ``name`` (any case)."""

    id: str
    name: str
    avatar: str  # av_…[@N], template:NAME, or the absolute path of a photo or spec .json
    voice: str | None = None  # None: the language's default voice
    title: str = ""
    pitch: float = 0.0  # semitones added to the voice
    speed: float = 1.0
    emotion: str = "neutral"  # how their lines are spoken unless a line says otherwise
    colour: tuple[int, int, int] = (80, 160, 240)  # accent colour, BGR

    @property
    def handles(self) -> tuple[str, ...]:
        """The names the script may use for this speaker, lower case."""
        return tuple(dict.fromkeys((self.id.lower(), self.name.lower())))


@dataclass(frozen=True)
class BackgroundSpec:
    """``kind`` is "colour", "image", "gradient" or "video"."""

    kind: str = "colour"
    colours: tuple[tuple[int, int, int], ...] = ((48, 32, 27),)  # BGR
    path: Path | None = None
    period_s: float = 24.0  # a gradient's turn; 0 keeps it still


@dataclass(frozen=True)
class LogoSpec:
    path: Path
    corner: str = "top-left"
    size: float = 0.09  # height as a share of the frame height
    opacity: float = 0.85


@dataclass(frozen=True)
class TitleSpec:
    text: str
    subtitle: str = ""
    duration_ms: int = 3000


@dataclass(frozen=True)
class SceneSpec:
    """Everything a scene file says (see ``docs/scenes.md``)."""

    speakers: tuple[Speaker, ...]
    layout: str = "split"
    host: int = 0  # index of the speaker the host layouts make big
    width: int = 1280
    height: int = 720
    fps: int = 25
    background: BackgroundSpec = field(default_factory=BackgroundSpec)
    logo: LogoSpec | None = None
    title: TitleSpec | None = None
    lower_thirds: bool = True
    active_ring: bool = True
    transition: str = "cut"  # "cut" or "fade"
    fade_ms: int = 200
    lang: str | None = None  # None: each voice's own language
    seed: int = 0


# ---------------------------------------------------------------------------- the dialogue


LAUGH, SMILE = "laugh", "smile"
"""Cue marks a line may carry: ``[laughs]``, ``[smiles]``."""


@dataclass(frozen=True)
class Cue:
    """A non-spoken mark in a turn; ``position`` is the share (0..1) of the turn's words
    said before it."""

    kind: str
    position: float


@dataclass(frozen=True)
class Turn:
    """What one speaker says before someone else speaks.

    ``text`` is the script text for the voice (pause marks kept, cue marks taken out);
    ``line`` is where the turn starts in the dialogue file (1-based).
    """

    speaker: int
    text: str
    line: int
    emotion: str | None = None
    cues: tuple[Cue, ...] = ()


@dataclass(frozen=True)
class Dialogue:
    turns: tuple[Turn, ...]


# ---------------------------------------------------------------------------- speech


QUESTION, LAUGHTER, SURPRISE, HAPPY = "question", "laugh", "surprise", "happy"
"""Kinds of :class:`Moment`."""


@dataclass(frozen=True)
class TimedTurn:
    """A turn placed on the scene's timeline."""

    index: int
    speaker: int
    start_ms: int
    end_ms: int
    text: str
    emotion: str | None = None

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class SpokenWord:
    """A word of the mixed track with who says it (for captions)."""

    text: str
    start_ms: int
    end_ms: int
    speaker: int
    turn: int


@dataclass(frozen=True)
class Moment:
    """Something listeners react to: a question, laughter, a surprise, a happy line."""

    kind: str
    time_ms: int
    speaker: int
    turn: int


@dataclass(frozen=True, eq=False)
class Conversation:
    """The dialogue spoken: one mixed track plus every speaker's own timeline.

    ``speeches[k]`` is as long as the mix and holds speaker ``k``'s audio, phones and
    words at their places in the mix, silence elsewhere.
    """

    audio: np.ndarray  # float32 (n,), the mix
    sample_rate: int
    speeches: tuple[Speech, ...]
    turns: tuple[TimedTurn, ...]
    words: tuple[SpokenWord, ...]
    moments: tuple[Moment, ...] = ()

    @property
    def duration_ms(self) -> int:
        return round(len(self.audio) * 1000 / self.sample_rate)


# ---------------------------------------------------------------------------- animation


@dataclass(frozen=True, eq=False)
class SpeakerTrack:
    speaker: int
    mouth: MouthTrack
    face: FaceTrack


# ---------------------------------------------------------------------------- direction

WIDE, CLOSEUP, REACTION, FOCUS = "wide", "closeup", "reaction", "focus"
"""Kinds of :class:`Shot`: everyone in panels; one speaker full frame; a listener full
frame while someone else talks; picture in picture around one speaker."""


@dataclass(frozen=True)
class Shot:
    """Frames ``start`` .. ``end`` (excluded) show ``regions``; ``focus`` is the speaker
    shown big (None in a wide shot)."""

    start: int
    end: int
    kind: str
    regions: tuple[Region, ...]
    focus: int | None = None

    def region_of(self, speaker: int) -> Region | None:
        return next((r for r in self.regions if r.speaker == speaker), None)


@dataclass(frozen=True)
class Banner:
    """A lower third: ``speaker``'s name over ``region`` for frames ``start`` .. ``end``."""

    speaker: int
    start: int
    end: int
    region: Region


# ---------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class SceneResult:
    path: Path
    fps: int
    n_frames: int
    speakers: tuple[Speaker, ...]
    conversation: Conversation
    tracks: tuple[SpeakerTrack, ...]
    shots: tuple[Shot, ...]
    banners: tuple[Banner, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    cues: tuple[CaptionCue, ...] = ()  # the captions, when captions were asked for
    files: tuple[Path, ...] = ()  # caption files written beside the video
    video_id: str = ""  # the id the invisible watermark carries

    @property
    def words(self) -> tuple[SpokenWord, ...]:
        return self.conversation.words

    @property
    def audio(self) -> np.ndarray:
        return self.conversation.audio

    @property
    def sample_rate(self) -> int:
        return self.conversation.sample_rate

    def shot_at(self, frame: int) -> Shot:
        for shot in self.shots:
            if shot.start <= frame < shot.end:
                return shot
        raise IndexError(f"frame {frame} is outside the scene (0..{self.n_frames - 1})")
