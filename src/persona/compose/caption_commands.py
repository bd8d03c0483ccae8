"""``persona subtitle`` and the caption options of ``persona render``.

    persona subtitle talk.mp4 -o talk.srt [--transcript talk.txt] [--lang en]
        decode ─→ words (Whisper + alignment, or the transcript aligned) ─→ cues ─→ file

Words come from :func:`persona.lipsync.recognize.speech_from_audio`. Without a
transcript, Whisper (English only) hears the words and writes them with capitals and
punctuation; its text is then aligned to the audio for exact word times, and shown as
Whisper wrote it. With a transcript its own spelling is shown; a recording that cannot
be aligned (another language, or a transcript that does not match) gets the transcript
laid over its voiced stretches. With ``--speaker-labels`` a transcript may name who
speaks at the start of a line (``HOST: Welcome back.``).

For ``persona render``: :func:`add_caption_arguments` adds ``--captions`` (burn, srt,
vtt, ass, track; repeatable), ``--caption-style``, ``--caption-max-chars`` and
``--speaker-labels``; :func:`caption_request` turns them into a :class:`CaptionRequest`
that makes the burn filter and writes the files once the speech is known.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from persona.compose.caption_formats import caption_format_for_path, write_caption_file
from persona.compose.caption_style import CaptionStyle, parse_style
from persona.compose.caption_text import display_tokens, match_words, spread_words
from persona.compose.captions import (
    LABEL_STYLES,
    CaptionSettings,
    CaptionWord,
    Cue,
    segment_captions,
)
from persona.errors import InputError
from persona.types import Script, Speech

if TYPE_CHECKING:
    from persona.compose.caption_burn import CaptionBurner
    from persona.media.probe import MediaInfo
    from persona.media.subtitles import SubtitleTrack

CAPTION_KINDS = ("burn", "srt", "vtt", "ass", "track")
PORTRAIT_MARGIN = 0.14
"""Bottom (or top) margin of portrait video: clear of the buttons social apps lay over it."""
_SPEAKER_LINE = re.compile(r"^\s*([^\W\d_][\w .'’-]{0,30}?)\s*:\s+(\S.*)$")


# ---------------------------------------------------------------------------- persona subtitle


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``persona subtitle`` to the CLI's subcommands."""
    p = sub.add_parser("subtitle", help="caption a recording or a video: SRT, WebVTT or ASS")
    p.add_argument("input", help="audio or video with speech (WAV, MP3, M4A, MP4, WebM, ...)")
    p.add_argument("-o", "--output", required=True, help="caption file: .srt, .vtt or .ass")
    p.add_argument("--lang", default="en", help="language spoken (default en)")
    p.add_argument(
        "--transcript",
        default=None,
        metavar="FILE",
        help="what is said, as a .txt file: its spelling is shown (needed for non-English)",
    )
    p.add_argument("--max-chars", type=int, default=42, help="characters per line (default 42)")
    p.add_argument("--max-lines", type=int, default=2, help="lines per cue, 1-3 (default 2)")
    p.add_argument(
        "--speaker-labels",
        nargs="?",
        const="name",
        default="none",
        choices=LABEL_STYLES,
        help="label speakers (name: 'HOST: ...', dash: '- ' lines); the transcript names "
        "them at the start of its lines ('HOST: Welcome back.')",
    )
    p.add_argument("--speaker", default=None, help="who speaks, when no transcript says")
    p.add_argument("--karaoke", action="store_true", help="word times in .vtt (<c>) and .ass (\\k)")
    p.add_argument(
        "--fps",
        type=float,
        default=None,
        help="frame rate for cue gaps (default: the video's, else 25)",
    )
    p.add_argument(
        "--caption-style", action="append", default=[], metavar="KEY=VALUE,...",
        help="ASS style, e.g. position=top,size=0.06,highlight=#ffd400",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """The body of ``persona subtitle``; errors go to the CLI's handler."""
    output = Path(args.output)
    fmt = caption_format_for_path(output)
    settings = CaptionSettings(
        max_chars=args.max_chars,
        max_lines=args.max_lines,
        fps=args.fps or 25.0,
        speaker_labels=args.speaker_labels,
    )
    style = _style(args.caption_style)
    from persona.lipsync.commands import check_output

    check_output(output)
    transcript = read_transcript(Path(args.transcript)) if args.transcript else None
    source = Path(args.input)
    if args.fps is None:
        settings = replace(settings, fps=_video_fps(source) or 25.0)
    audio, rate = _read_audio(source)
    words = recording_words(
        audio,
        rate,
        transcript=transcript,
        lang=args.lang,
        speaker=args.speaker,
        speaker_lines=args.speaker_labels != "none",
    )
    if not words:
        raise InputError(f"no words were found in {source}")
    cues = segment_captions(words, settings)
    size = _video_size(source)
    write_caption_file(output, cues, style=style, size=size, karaoke=args.karaoke)
    print(f"wrote {output} ({len(cues)} {fmt} cues, {len(words)} words)")
    return 0


def read_transcript(path: Path) -> str:
    """A transcript file's text (UTF-8); :class:`InputError` when missing or empty."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"cannot read transcript {path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read transcript {path}: not a UTF-8 text file") from exc
    if not text.strip():
        raise InputError(f"transcript {path} is empty")
    return text


def speaker_turns(transcript: str) -> list[tuple[str | None, str]]:
    """(speaker, text) per line of ``transcript``; a line ``NAME: text`` names its
    speaker, a line without a name continues the previous speaker."""
    turns: list[tuple[str | None, str]] = []
    speaker: str | None = None
    for line in transcript.splitlines():
        match = _SPEAKER_LINE.match(line)
        if match:
            speaker, line = match.group(1).strip(), match.group(2)
        if line.strip():
            turns.append((speaker, line.strip()))
    return turns


def recording_words(
    audio: np.ndarray,
    rate: int,
    *,
    transcript: str | None = None,
    lang: str = "en",
    speaker: str | None = None,
    speaker_lines: bool = False,
) -> tuple[CaptionWord, ...]:
    """Caption words for a recording (see the module docstring).

    ``speaker_lines``: the transcript names speakers at the start of its lines.
    Raises :class:`~persona.errors.AudioError` for silent or unusable audio and
    :class:`InputError` when no words can be found.
    """
    from persona.lipsync.listen import is_english
    from persona.lipsync.recognize import speech_from_audio

    if transcript is None:
        if not is_english(lang):
            raise InputError(
                f"captions for {lang!r} need --transcript: speech recognition here is English only"
            )
        return _heard_words(audio, rate, lang, speaker)
    turns = speaker_turns(transcript) if speaker_lines else [(None, transcript)]
    tokens = [(t, who or speaker) for who, text in turns for t in display_tokens(text)]
    text = " ".join(t for t, _ in tokens)
    speech = speech_from_audio(audio, rate, transcript=text, lang=lang)
    if speech.words:
        return match_words(tokens, speech.words, lang)
    spread = spread_words(text, speech)
    return tuple(replace(w, speaker=who) for w, (_, who) in zip(spread, tokens, strict=True))


def _heard_words(
    audio: np.ndarray, rate: int, lang: str, speaker: str | None
) -> tuple[CaptionWord, ...]:
    """Whisper's words (as it writes them) on the times the aligner gives them."""
    from persona.lipsync.align import AlignmentError
    from persona.lipsync.asr import transcribe
    from persona.lipsync.recognize import speech_from_audio

    heard = transcribe(audio, rate, word_times=False)
    if not heard.text.strip():
        raise InputError("no speech was heard in the recording")
    tokens = [(t, speaker) for t in display_tokens(heard.text)]
    try:
        speech = speech_from_audio(audio, rate, transcript=heard.text, recognizer="align")
    except AlignmentError:  # Whisper's own word times, rougher but there
        timed = transcribe(audio, rate, word_times=True).words
        return tuple(CaptionWord(w.text, w.start_ms, w.end_ms, speaker) for w in timed)
    return match_words(tokens, speech.words, lang)


def _read_audio(path: Path) -> tuple[np.ndarray, int]:
    from persona.media.audio import read_audio_file

    return read_audio_file(path)


def _video_fps(path: Path) -> float | None:
    info = _probe(path)
    return info.fps if info is not None and info.fps > 0 else None


def _video_size(path: Path) -> tuple[int, int]:
    info = _probe(path)
    if info is not None and info.width > 0 and info.height > 0:
        return info.width, info.height
    return 1920, 1080


def _probe(path: Path) -> MediaInfo | None:
    from persona.media.probe import probe

    try:
        return probe(path)
    except InputError:
        return None  # the audio reader says what is wrong with the file


def _style(items: Sequence[str], base: CaptionStyle | None = None) -> CaptionStyle:
    style = base or CaptionStyle()
    for item in items:
        style = parse_style(item, style)
    return style


# ---------------------------------------------------------------------------- persona render


def add_caption_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the caption options of a render command (see :func:`caption_request`)."""
    group = parser.add_argument_group("captions")
    group.add_argument(
        "--captions",
        action="append",
        default=[],
        choices=CAPTION_KINDS,
        help="burn: draw them on the video; srt, vtt, ass: a file beside the video; "
        "track: a subtitle track in the video (repeatable)",
    )
    group.add_argument(
        "--caption-style",
        action="append",
        default=[],
        metavar="KEY=VALUE,...",
        help="e.g. position=top,size=0.06,box=on,highlight=#ffd400,font=/path/font.ttf; "
        "highlight also times words in .vtt and .ass files",
    )
    group.add_argument(
        "--caption-max-chars",
        type=int,
        default=None,
        help="characters per line (default 42, fewer for portrait video)",
    )
    group.add_argument(
        "--caption-track",
        action="append",
        default=[],
        metavar="LANG=FILE",
        help="another language's subtitle track from a .srt/.vtt file, e.g. a translation "
        "of the captions (repeatable; implies --captions track)",
    )
    group.add_argument(
        "--speaker-labels",
        nargs="?",
        const="name",
        default="none",
        choices=LABEL_STYLES,
        help="label speakers in captions: name ('HOST: ...') or dash ('- ' lines)",
    )


@dataclass(frozen=True)
class CaptionRequest:
    """What a render was asked to do with captions (see :func:`caption_request`)."""

    kinds: tuple[str, ...]
    settings: CaptionSettings
    style: CaptionStyle
    size: tuple[int, int]
    extra_tracks: tuple[SubtitleTrack, ...] = ()  # other languages, from files

    @property
    def burns(self) -> bool:
        return "burn" in self.kinds

    def cues_for(
        self, script: Script, speech: Speech, speakers: Sequence[str | None] | None = None
    ) -> tuple[Cue, ...]:
        """The cues of ``speech`` as spoken from ``script`` (its display text)."""
        from persona.compose.caption_text import script_caption_words

        return segment_captions(script_caption_words(script, speech, speakers), self.settings)

    def burner(self, cues: Sequence[Cue]) -> CaptionBurner:
        """The frame filter that burns ``cues`` in."""
        from persona.compose.caption_burn import CaptionBurner

        return CaptionBurner(cues, self.settings.fps, self.style)

    def sidecars(self, video: Path) -> list[Path]:
        """The caption files written beside ``video``: ``talk.srt`` for ``talk.mp4``."""
        return [video.with_suffix(f".{k}") for k in self.kinds if k in ("srt", "vtt", "ass")]

    def finish(self, video: Path, cues: Sequence[Cue], lang: str = "en") -> list[Path]:
        """After the render: write the caption files and mux the track into ``video``.
        Returns the files written (the video itself when a track was added)."""
        from persona.media.subtitles import SubtitleTrack, mux_subtitles

        karaoke = self.style.highlight is not None
        written = [
            write_caption_file(p, cues, style=self.style, size=self.size, karaoke=karaoke)
            for p in self.sidecars(video)
        ]
        if "track" in self.kinds:
            tracks = [SubtitleTrack(tuple(cues), lang), *self.extra_tracks]
            written.append(mux_subtitles(video, video, tracks, style=self.style))
        return written


def caption_request(
    args: argparse.Namespace, size: tuple[int, int], fps: float
) -> CaptionRequest | None:
    """The captions ``args`` ask for on a ``size`` video at ``fps``, checked now (bad
    style or limits raise :class:`InputError` before any work); None when none."""
    extra = tuple(_extra_track(item) for item in getattr(args, "caption_track", None) or ())
    kinds = tuple(
        dict.fromkeys([*(getattr(args, "captions", None) or ()), *(["track"] * bool(extra))])
    )
    if not kinds:
        return None
    settings = replace(
        CaptionSettings.for_frame(size[0], size[1], fps), speaker_labels=args.speaker_labels
    )
    if args.caption_max_chars is not None:
        settings = replace(settings, max_chars=args.caption_max_chars)
    base = CaptionStyle(margin=PORTRAIT_MARGIN) if size[1] > size[0] else CaptionStyle()
    return CaptionRequest(kinds, settings, _style(args.caption_style, base), size, extra)


def _extra_track(item: str) -> SubtitleTrack:
    """``LANG=FILE`` → a subtitle track of that file's cues in language LANG."""
    from persona.compose.caption_files import read_caption_file
    from persona.media.subtitles import SubtitleTrack, language_code

    lang, sep, name = item.partition("=")
    if not sep or not lang.strip() or not name.strip():
        raise InputError(f"--caption-track takes LANG=FILE (e.g. hi=talk.hi.srt), not {item!r}")
    language_code(lang.strip())  # an unknown language fails now
    return SubtitleTrack(read_caption_file(Path(name.strip()).expanduser()), lang.strip())
