"""Sentiment hints: which of the engine's emotions a sentence sounds like.

The engine speaks a sentence with an emotion only when the script asks for one (an SSML
``<emotion>`` or the request's emotion); it never guesses. This module gives the editor a
*hint* to offer instead, and never changes what is rendered.

The text's polarity comes from VADER (Hutto and Gilbert, 2014: a rule-based lexicon of
about 7,500 English words and emoticons rated by people, with rules for negation, "but",
degree words, capitals and exclamation marks). VADER reads "not bad" as mildly positive
and "not good" as negative, which is why it is used rather than a word list. Its
``compound`` score runs from -1 (most negative) to +1 (most positive); it is mapped onto
:data:`persona.voice.prosody.EMOTIONS` like this:

============================  ===========================================================
compound                      emotion
============================  ===========================================================
between -0.2 and +0.2         ``neutral`` (wider than VADER's own ±0.05: a hint that
                              changes the voice should be a clear one)
+0.2 to +0.5                  ``calm`` (mildly positive: "not bad", "thanks for coming")
+0.5 and above                ``happy``; ``excited`` when the sentence ends in "!"
-0.2 to -0.4                  ``sad``
-0.4 and below                ``angry`` when it ends in "!", has a word in capitals or an
                              anger word (:data:`ANGER_WORDS`); else ``sad``
============================  ===========================================================

VADER tells negative from positive, not sadness from anger, hence the cues for anger.
VADER knows English only: for other languages :func:`sentiment_hint` returns ``None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from persona.errors import InputError

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

NEUTRAL_BAND = 0.2
"""``|compound|`` below this is neutral."""
HAPPY_FROM = 0.5
"""Positive sentences at or above this are happy (or excited), below it calm."""
ANGRY_FROM = -0.4
"""Negative sentences at or below this may be angry (with a cue), else sad."""
ANGER_WORDS = frozenset(
    {"angry", "anger", "furious", "fury", "rage", "outrage", "outraged", "outrageous", "hate",
     "hated", "hateful", "unacceptable", "ridiculous", "disgusting", "disgusted", "sick",
     "annoyed", "annoying", "mad", "damn", "infuriating", "infuriated", "livid", "enough",
     "stupid", "idiot"}
)  # fmt: skip
"""Words that make a clearly negative sentence angry rather than sad."""
MAX_CHARS = 2000
"""The longest text one hint is asked for (a sentence, not a document)."""

_WORD = re.compile(r"[A-Za-z']+")


@dataclass(frozen=True)
class SentimentHint:
    emotion: str
    score: float  # VADER's compound score, -1 … +1


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()  # reads the lexicon shipped in the package


def polarity(text: str) -> float:
    """VADER's compound score of ``text``, from -1 to +1 (0 for no opinion words)."""
    if len(text) > MAX_CHARS:
        raise InputError(f"a sentiment hint takes at most {MAX_CHARS} characters")
    return float(_analyzer().polarity_scores(text)["compound"])


def sentiment_hint(text: str, lang: str = "en") -> SentimentHint | None:
    """The emotion ``text`` sounds like (see the module docstring for the mapping), or
    ``None`` when the language is not English, there is no text or more than
    :data:`MAX_CHARS` of it (a hint is for a sentence)."""
    if not lang.lower().startswith("en") or not text.strip() or len(text) > MAX_CHARS:
        return None
    score = round(polarity(text), 3)
    return SentimentHint(emotion_for(text, score), score)


def emotion_for(text: str, score: float) -> str:
    """The engine emotion for a sentence with VADER compound ``score``."""
    if abs(score) < NEUTRAL_BAND:
        return "neutral"
    exclaims = text.rstrip().rstrip("\"')»”’").endswith("!")
    if score > 0:
        if score < HAPPY_FROM:
            return "calm"
        return "excited" if exclaims else "happy"
    if score <= ANGRY_FROM and (exclaims or _angry_words(text)):
        return "angry"
    return "sad"


def _angry_words(text: str) -> bool:
    """An anger word, or a shouted word (three letters or more, all in capitals)."""
    words = _WORD.findall(text)
    shouted = any(len(w) > 2 and w.isupper() for w in words)
    return shouted or any(w.lower().strip("'") in ANGER_WORDS for w in words)
