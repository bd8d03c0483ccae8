"""Dialogue script → :class:`~persona.scene.model.Dialogue`: who says what, in order.

The syntax (``docs/scenes.md``)::

    Alex: Welcome back to the show!
    Sam (happy): Thanks for having me. [laughs]
      A line that starts with spaces always continues the turn above.
    And so does any line that does not start with a speaker's name and a colon.

    A blank line stays in the turn as a paragraph break (a longer pause).
    # a comment line

* ``NAME:`` starts a turn; NAME is a speaker's id or display name from the scene file
  (any case), optionally followed by an emotion in brackets: ``Sam (excited):``.
* ``[pause]``, ``[pause 1.5s]`` work as in single-avatar scripts; ``[laughs]`` and
  ``[smiles]`` are not spoken: the speaker laughs or smiles there and the listeners
  react. Other bracket marks are refused.
* A line that looks like ``Word:`` at the start of a line (a name of at most four words,
  then a colon and a space) names a speaker; an unknown name is an error with its line
  number. Indent a line to write such a colon inside a turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from persona.errors import ScriptError
from persona.scene.model import LAUGH, SMILE, Cue, Dialogue, Speaker, Turn

_SPEAKER_LINE = re.compile(
    r"^(?P<name>[^\s:\[\](){}#\"'.,!?;][^:\[\](){}\".,!?;]{0,59}?)\s*"
    r"(?:\((?P<emotion>[^()]*)\))?\s*:(?=\s|$)(?P<text>.*)$"
)
MAX_NAME_WORDS = 4
_MARK = re.compile(r"\[([^\[\]\n]*)\]")
CUE_WORDS = {
    LAUGH: ("laughs", "laugh", "laughter", "laughing", "chuckles", "giggles"),
    SMILE: ("smiles", "smile", "smiling", "grins"),
}


@dataclass
class _Open:
    """The turn being read."""

    speaker: int
    line: int
    emotion: str | None
    lines: list[str] = field(default_factory=list)


def parse_dialogue(text: str, speakers: Sequence[Speaker]) -> Dialogue:
    """Read a dialogue script for a scene with ``speakers``.

    Raises :class:`~persona.errors.ScriptError` naming the line for an unknown speaker,
    text before the first speaker, an unknown mark or emotion, a turn with nothing in
    it, and for a script without any turn.
    """
    handles = {h: k for k, s in enumerate(speakers) for h in s.handles}
    names = ", ".join(s.name for s in speakers)
    turns: list[Turn] = []
    current: _Open | None = None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _SPEAKER_LINE.match(line)
        if match is not None and len(match.group("name").split()) <= MAX_NAME_WORDS:
            name = match.group("name").strip()
            speaker = handles.get(name.lower())
            if speaker is None:
                raise ScriptError(
                    f"line {number}: unknown speaker {name!r}; the scene has {names} "
                    "(indent the line if the colon belongs to the text)"
                )
            if current is not None:
                turns.append(_close(current))
            emotion = _emotion(match.group("emotion"), number)
            current = _Open(speaker, number, emotion, [match.group("text").strip()])
        elif current is not None:
            current.lines.append(line.strip())
        elif line.strip():
            raise ScriptError(
                f"line {number}: expected 'NAME: text' (a speaker's name, a colon, what "
                f"they say); the scene has {names}"
            )
    if current is not None:
        turns.append(_close(current))
    if not turns:
        raise ScriptError("the dialogue is empty: write lines such as 'Alex: Hello!'")
    return Dialogue(tuple(turns))


def _emotion(text: str | None, number: int) -> str | None:
    if text is None:
        return None
    from persona.voice.prosody import EMOTIONS

    name = text.strip().lower()
    if name not in EMOTIONS:
        raise ScriptError(
            f"line {number}: unknown emotion {text.strip()!r}: choose one of {', '.join(EMOTIONS)}"
        )
    return name


def _close(turn: _Open) -> Turn:
    """The turn's text with paragraphs kept, cue marks taken out (and their places noted)."""
    body = "\n".join(turn.lines).strip()
    body = re.sub(r"\n{3,}", "\n\n", body)
    pieces: list[str] = []
    places: list[tuple[str, int]] = []  # (cue, words before it)
    position = 0
    for mark in _MARK.finditer(body):
        pieces.append(body[position : mark.start()])
        kind = _cue_kind(mark.group(1), turn.line)
        if kind is None:
            pieces.append(mark.group(0))  # a pause mark: the script parser reads it
        else:
            places.append((kind, len(_MARK.sub(" ", "".join(pieces)).split())))
        position = mark.end()
    pieces.append(body[position:])
    spoken = re.sub(r"[ \t]{2,}", " ", "".join(pieces)).strip()
    total = max(1, len(_MARK.sub(" ", spoken).split()))
    cues = tuple(Cue(kind, min(1.0, before / total)) for kind, before in places)
    if not any(ch.isalnum() for ch in _MARK.sub("", spoken)) and not cues:
        raise ScriptError(f"line {turn.line}: this turn has nothing to say")
    return Turn(turn.speaker, spoken, turn.line, turn.emotion, cues)


def _cue_kind(mark: str, line: int) -> str | None:
    """The cue a ``[mark]`` stands for; None for a pause mark (read later)."""
    word = mark.strip().lower()
    if word.split()[:1] == ["pause"]:
        return None
    for kind, words in CUE_WORDS.items():
        if word in words:
            return kind
    raise ScriptError(
        f"line {line}: unknown mark [{mark}]: use [pause], [pause 1.5s], [laughs] or [smiles]"
    )
