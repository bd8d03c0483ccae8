"""The author's text on the speech's timed words.

A :class:`~persona.types.Speech` times the words as they were *spoken*: "five dollars",
"January third", without punctuation. Captions show what the author *wrote*: "$5",
"Jan 3,". The written text is kept in :attr:`persona.types.Segment.display` (or is the
transcript of a recording); here its words are matched to the spoken ones in order:

* written and spoken words that agree (case, punctuation and a simple expansion such as
  "1st" → "first" aside) take the spoken word's time;
* a run of written words that differs from a run of spoken words ("$5" / "five
  dollars", "Jan 3, 2024" / "January third twenty twenty-four") shares that run's time,
  one to one when the counts agree, else in proportion to the length of each written
  word's spoken form;
* a written word with no spoken counterpart gets no time of its own (it starts and ends
  where the previous word ends); spoken words with no written counterpart are not shown.

A punctuation-only token ("—", "&" aside, which is spoken) joins the word before it, so
a line never starts with a dash. When a speech has no word times at all (a recognizer
that only hears phones), :func:`spread_words` lays the text over the voiced stretches.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from persona.compose.captions import CaptionWord
from persona.errors import InputError
from persona.types import SILENCE, Script, Speech, Word


def caption_words(
    speech: Speech | Sequence[Word],
    display: str | None = None,
    *,
    speaker: str | None = None,
    lang: str = "en",
) -> tuple[CaptionWord, ...]:
    """Caption words of ``speech`` (a Speech, or its timed words alone, e.g. one
    speaker's turn in a scene): the timed words, spelled as in ``display`` when given
    (the text as the author wrote it), all by ``speaker``.

    A Speech without word times gets ``display`` laid over its voiced stretches
    (:func:`spread_words`); :class:`~persona.errors.InputError` when it has none either.
    """
    words = speech.words if isinstance(speech, Speech) else tuple(speech)
    if display is None:
        return tuple(CaptionWord(w.text, w.start_ms, w.end_ms, speaker) for w in words)
    if not words:
        if isinstance(speech, Speech):
            return spread_words(display, speech, speaker=speaker)
        return ()
    tokens = [(text, speaker) for text in display_tokens(display)]
    return match_words(tokens, words, lang)


def script_caption_words(
    script: Script, speech: Speech, speakers: Sequence[str | None] | None = None
) -> tuple[CaptionWord, ...]:
    """Caption words for ``speech`` as :func:`persona.voice.synthesize_script` spoke
    ``script``: each segment's ``display`` text on the spoken words, with
    ``speakers[k]`` (when given) the speaker of segment ``k``."""
    if speakers is not None and len(speakers) != len(script.segments):
        raise ValueError(f"{len(speakers)} speakers for {len(script.segments)} segments")
    tokens: list[tuple[str, str | None]] = []
    for k, segment in enumerate(script.segments):
        who = speakers[k] if speakers is not None else None
        tokens += [(text, who) for text in display_tokens(segment.display)]
    if not speech.words:
        spread = _spread([t for t, _ in tokens], speech)
        return tuple(
            CaptionWord(text, start, end, who)
            for (text, start, end), (_, who) in zip(spread, tokens, strict=True)
        )
    return match_words(tokens, speech.words, script.lang)


def display_tokens(text: str) -> list[str]:
    """The words of ``text`` split at whitespace, punctuation-only tokens joined to the
    word before them (or after them, at the start)."""
    tokens: list[str] = []
    pending = ""
    for raw in text.split():
        if not any(c.isalnum() for c in raw) and raw not in _SPOKEN_SYMBOLS:
            if tokens:
                tokens[-1] += " " + raw
            else:
                pending += raw + " "
            continue
        tokens.append(pending + raw)
        pending = ""
    if pending and tokens:
        tokens[-1] += " " + pending.strip()
    elif pending:
        tokens.append(pending.strip())
    return tokens


_SPOKEN_SYMBOLS = frozenset("&@%$€£¥+=#")


def match_words(
    tokens: Sequence[tuple[str, str | None]], spoken: Sequence[Word], lang: str = "en"
) -> tuple[CaptionWord, ...]:
    """Time the written ``tokens`` (text, speaker) by the ``spoken`` words (see the
    module docstring for the rules)."""
    forms = [_spoken_form(text, lang) for text, _ in tokens]
    written_keys = [
        _key(f) if len(f.split()) == 1 else _key(t) for f, (t, _) in zip(forms, tokens, strict=True)
    ]
    spoken_keys = [_key(w.text) for w in spoken]
    matcher = difflib.SequenceMatcher(None, written_keys, spoken_keys, autojunk=False)
    times: list[tuple[int, int] | None] = [None] * len(tokens)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                times[i] = (spoken[j].start_ms, spoken[j].end_ms)
        elif op == "replace":
            times[i1:i2] = _share(forms[i1:i2], spoken[j1:j2])
    words: list[CaptionWord] = []
    cursor = spoken[0].start_ms if spoken else 0
    for (text, who), time in zip(tokens, times, strict=True):
        start, end = time if time is not None else (cursor, cursor)
        start = max(start, words[-1].start_ms if words else 0)
        words.append(CaptionWord(text, start, max(start, end), who))
        cursor = max(cursor, end)
    return tuple(words)


def _share(forms: Sequence[str], spoken: Sequence[Word]) -> list[tuple[int, int] | None]:
    """Times for written words (by their spoken ``forms``) that share ``spoken``."""
    from persona.voice.timeline import pair_words

    extents = [(w.start_ms, w.end_ms) for w in spoken]
    return [(start, end) for _, start, end in pair_words(forms, extents)]


def spread_words(
    display: str, speech: Speech, *, speaker: str | None = None
) -> tuple[CaptionWord, ...]:
    """``display``'s words laid over the voiced stretches of ``speech`` (its non-silent
    phones) in proportion to their length: rough times for speech without word times.

    Raises :class:`~persona.errors.InputError` when the speech has no voiced phone.
    """
    spread = _spread(display_tokens(display), speech)
    return tuple(CaptionWord(t, s, e, speaker) for t, s, e in spread)


def _spread(tokens: list[str], speech: Speech) -> list[tuple[str, int, int]]:
    from persona.voice.timeline import pair_words

    voiced: list[tuple[int, int]] = []
    for phone in speech.phones:
        if phone.symbol == SILENCE or phone.end_ms <= phone.start_ms:
            continue
        if voiced and voiced[-1][1] == phone.start_ms:
            voiced[-1] = (voiced[-1][0], phone.end_ms)
        else:
            voiced.append((phone.start_ms, phone.end_ms))
    if not voiced:
        raise InputError("no speech was found to put the words on")
    return pair_words(tokens, voiced)


def _spoken_form(text: str, lang: str) -> str:
    """How ``text`` is said, as far as the script normalizer knows (digits, symbols)."""
    if all(c.isalpha() or (not c.isalnum() and c not in _SPOKEN_SYMBOLS) for c in text):
        return text
    from persona.script.normalize import normalize

    return normalize(text, lang) or text


def _key(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())
