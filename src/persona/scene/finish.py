"""A scene's captions and soundtrack: the same :class:`~persona.pipeline.Finishing`
a single-avatar render takes, applied to the whole conversation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from persona.progress import Progress
from persona.scene.model import Conversation, Speaker, SpokenWord
from persona.types import Script, Word

if TYPE_CHECKING:
    from persona.audio.mix import MixOptions
    from persona.compose.caption_commands import CaptionRequest
    from persona.compose.captions import CaptionWord, Cue


def scene_cues(
    captions: CaptionRequest | None,
    conversation: Conversation,
    scripts: Sequence[Script | None],
    speakers: Sequence[Speaker],
) -> tuple[Cue, ...]:
    """The conversation's caption cues: each turn's words in its author's spelling,
    labelled with the speaker's display name (a new cue whenever the speaker changes)."""
    if captions is None:
        return ()
    from persona.compose.caption_text import caption_words
    from persona.compose.captions import segment_captions

    by_turn: dict[int, list[SpokenWord]] = {}
    for word in conversation.words:
        by_turn.setdefault(word.turn, []).append(word)
    words: list[CaptionWord] = []
    for index, script in enumerate(scripts):
        spoken = by_turn.get(index, [])
        if script is None or not spoken:
            continue
        display = " ".join(s.display for s in script.segments)
        name = speakers[spoken[0].speaker].name
        timed = [Word(w.text, w.start_ms, w.end_ms) for w in spoken]
        words += caption_words(timed, display, speaker=name, lang=script.lang)
    return segment_captions(words, captions.settings)


def scene_soundtrack(
    conversation: Conversation, mix: MixOptions | None, progress: Progress
) -> tuple[np.ndarray, int]:
    """The scene's sound: the voices as spoken, or mixed with music ducked under
    everyone's speech, effects and loudness when ``mix`` asks for it."""
    if mix is None:
        return conversation.audio, conversation.sample_rate
    from persona.audio.mix import speech_soundtrack

    tracks = [speech.phones for speech in conversation.speeches]
    return speech_soundtrack(conversation.audio, conversation.sample_rate, mix, tracks, progress)
