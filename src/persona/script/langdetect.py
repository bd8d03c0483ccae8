"""Which language a script is in, when the user does not say.

    detect_language("नमस्ते, आज मौसम बहुत अच्छा है।")   → "hi"
    detect_language("Buenos días a todos.")          → "es"

Two steps, the cheap and certain one first:

1. **The writing system.** Most languages Persona Studio speaks have a script of their
   own: Tamil, Telugu, Kannada, Malayalam, Bengali, Gurmukhi (Punjabi), Gujarati, Hangul
   (Korean), Cyrillic (Russian; Ukrainian when its own letters і ї є ґ appear), Hebrew,
   Thai, Sinhala, Odia. Chinese characters with any kana are Japanese, without kana
   Chinese. Arabic script is Urdu when Urdu's own letters (ٹ ڈ ڑ ں ے ہ ھ, and the
   Persian-style ک ی گ پ چ) outnumber Arabic's (ك ي ى ة). The script with the most
   letters wins, but a script other than Latin wins from a quarter of the letters on: an
   English word or brand name inside a Hindi sentence must not turn it into English,
   while a Hindi name inside an English sentence stays English.
2. **Words and langid** for what a script leaves open. Devanagari is Hindi or Marathi:
   their commonest function words differ (Hindi है, में, और, नहीं; Marathi आहे, आणि,
   नाही, माझे) and decide when they disagree, otherwise langid does. Latin letters go to
   langid (Lui & Baldwin's naive Bayes identifier with its bundled model, offline),
   restricted to English, Spanish, French, German, Portuguese and Italian.

English is the default language, and the answer for Latin text langid is unsure of:
below :data:`MIN_CONFIDENCE`, or below :data:`MIN_SHORT_CONFIDENCE` for a text of fewer
than :data:`MIN_LATIN_LETTERS` letters ("Guten Tag", "Ciao bella"), and always for fewer
than :data:`MIN_SHORT_LETTERS` ("Hola", "Bonjour"). Wrongly leaving English costs most
(a robotic eSpeak NG voice for an English script), hence the high bars: a sentence of
English names ("Angela Merkel visited Madrid", 0.85 German) stays English. Pause marks
(``[pause 1s]``) and markup tags are not text and are ignored. Text without letters is
English.

The langid model takes about two seconds to unpack; it loads on first use, once, and only
when the script leaves a choice (Latin or Devanagari text), and a plain-array copy in the
cache folder makes later processes load it in milliseconds.
"""

from __future__ import annotations

import array
import contextlib
import os
import re
import threading
import unicodedata
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from langid.langid import LanguageIdentifier

AUTO = "auto"
"""The language setting that asks for :func:`detect_language`."""

LATIN_CANDIDATES = ("en", "es", "fr", "de", "pt", "it")
DEVANAGARI_CANDIDATES = ("hi", "mr")
DEFAULT_LANGUAGE = "en"

MIN_LATIN_LETTERS = 12
"""From this many letters on, langid's answer needs :data:`MIN_CONFIDENCE`."""

MIN_CONFIDENCE = 0.9
"""Below this probability (among the candidates) langid's answer is not trusted."""

MIN_SHORT_LETTERS = 6
"""Latin text with fewer letters than this is English: nobody can tell."""

MIN_SHORT_CONFIDENCE = 0.99
"""What langid's answer needs for Latin text of a few words."""

MIN_SHARE = 0.25
"""Share of the letters from which a script other than Latin decides the language."""

_SCRIPT_LANGUAGES = {
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "TAMIL": "ta",
    "TELUGU": "te",
    "KANNADA": "kn",
    "MALAYALAM": "ml",
    "HANGUL": "ko",
    "HEBREW": "he",
    "THAI": "th",
    "SINHALA": "si",
    "ORIYA": "or",
}
"""Scripts that belong to one language among those spoken here."""

_SCRIPT_ALIASES = {"HIRAGANA": "KANA", "KATAKANA": "KANA", "HALFWIDTH": "KANA", "CJK": "HAN"}
URDU_LETTERS = frozenset("ٹڈڑںےۓہھۂکگیپچژ")
ARABIC_LETTERS = frozenset("كيىة")
UKRAINIAN_LETTERS = frozenset("іїєґІЇЄҐ")
_MARKUP = re.compile(r"\[[^\]]*\]|<[^>]*>")
_WORD = re.compile(r"[\w\u0900-\u097f]+")
HINDI_WORDS = frozenset({
    "है", "हैं", "था", "थी", "थे", "नहीं", "और", "का", "की", "के", "में", "से", "को",
    "यह", "वह", "मैं", "हम", "आप", "क्या", "भी", "रहा", "रही", "रहे",
})  # fmt: skip
"""Common Hindi function words (is, are, was, not, and, of, in, from ...)."""
MARATHI_WORDS = frozenset({
    "आहे", "आहेत", "आहेस", "होते", "होता", "होती", "नाही", "आणि", "मी", "तू", "माझा",
    "माझी", "माझे", "तुझा", "तुझी", "तुझे", "आम्ही", "तुम्ही", "काय", "कुठे", "खूप",
    "पण",
})  # fmt: skip
"""Common Marathi function words (is, are, was, not, and, I, you, my ...)."""

_identifier: LanguageIdentifier | None = None
_lock = threading.Lock()


def detect_language(text: str) -> str:
    """The language code ``text`` is most likely written in (see the module docstring)."""
    text = _MARKUP.sub(" ", text)
    counts = script_counts(text)
    script = _main_script(counts)
    if script is None:
        return DEFAULT_LANGUAGE
    if script in _SCRIPT_LANGUAGES:
        return _SCRIPT_LANGUAGES[script]
    if script in ("HAN", "KANA"):
        return "ja" if counts["KANA"] else "zh"
    if script == "ARABIC":
        urdu = sum(ch in URDU_LETTERS for ch in text)
        return "ur" if urdu > sum(ch in ARABIC_LETTERS for ch in text) else "ar"
    if script == "CYRILLIC":
        return "uk" if any(ch in UKRAINIAN_LETTERS for ch in text) else "ru"
    if script == "DEVANAGARI":
        return _hindi_or_marathi(_letters_of(text, script))
    return _latin(_letters_of(text, "LATIN"))


def script_of(char: str) -> str | None:
    """The writing system of one letter or mark ("LATIN", "DEVANAGARI", "HAN", "KANA",
    ...), None for digits, punctuation, spaces and symbols."""
    if unicodedata.category(char)[0] not in "LM":
        return None
    name = unicodedata.name(char, "")
    if not name:
        return None
    first = name.split(" ", 1)[0]
    if first in ("FULLWIDTH", "HALFWIDTH") and "LATIN" in name:
        return "LATIN"
    if first == "KATAKANA-HIRAGANA":  # the long-vowel mark ー
        return "KANA"
    return _SCRIPT_ALIASES.get(first, first)


def script_counts(text: str) -> Counter[str]:
    """How many letters (and combining vowel signs) of each writing system ``text`` has."""
    return Counter(s for s in map(script_of, text) if s is not None)


def has_han(text: str) -> bool:
    """True when ``text`` contains Chinese characters (hanzi, kanji)."""
    return any(script_of(ch) == "HAN" for ch in text)


def _main_script(counts: Counter[str]) -> str | None:
    """The script that decides the language; CJK characters and kana count together."""
    merged = Counter(counts)
    if merged["KANA"] or merged["HAN"]:
        merged["HAN"] += merged.pop("KANA", 0)
    total = sum(merged.values())
    if not total:
        return None
    others = [(n, s) for s, n in merged.items() if s != "LATIN" and n >= MIN_SHARE * total]
    if others:
        script = max(others)[1]
        return "KANA" if script == "HAN" and counts["KANA"] else script
    return "LATIN" if merged["LATIN"] else max((n, s) for s, n in merged.items())[1]


def _letters_of(text: str, script: str) -> str:
    """``text`` with the letters of other scripts replaced by spaces."""
    return "".join(ch if script_of(ch) in (script, None) else " " for ch in text)


def _hindi_or_marathi(text: str) -> str:
    words = _WORD.findall(text)
    hindi = sum(w in HINDI_WORDS for w in words)
    marathi = sum(w in MARATHI_WORDS for w in words)
    if hindi != marathi:
        return "hi" if hindi > marathi else "mr"
    return _identify(text, DEVANAGARI_CANDIDATES)[0]


def _latin(text: str) -> str:
    letters = sum(ch.isalpha() for ch in text)
    if letters < MIN_SHORT_LETTERS:
        return DEFAULT_LANGUAGE
    code, probability = _identify(text, LATIN_CANDIDATES)
    bar = MIN_CONFIDENCE if letters >= MIN_LATIN_LETTERS else MIN_SHORT_CONFIDENCE
    return code if probability >= bar else DEFAULT_LANGUAGE


def _identify(text: str, candidates: tuple[str, ...]) -> tuple[str, float]:
    """langid's best candidate and its probability among ``candidates``."""
    with _lock:
        identifier = _load_identifier()
        identifier.set_languages(list(candidates))
        code, probability = identifier.classify(text)
    return str(code), float(probability)


def _load_identifier() -> LanguageIdentifier:
    """langid's bundled model with probabilities normalized to the candidates (once)."""
    global _identifier
    if _identifier is None:
        _identifier = _cached_identifier()
    return _identifier


def _cached_identifier() -> LanguageIdentifier:
    """langid's model, read from a plain-array copy in the cache folder when there is one.

    The bundled model is a bzip2-compressed pickle that takes 1.5-2 s to unpack, on every
    render of Latin text; the copy (NumPy arrays, no pickle) loads in milliseconds. The
    copy is made on first use; if it cannot be read or written the bundled model serves.
    """
    import importlib.metadata

    from langid.langid import LanguageIdentifier, model

    from persona.paths import cache_dir

    path = cache_dir() / f"langid-{importlib.metadata.version('langid')}-model.npz"
    try:
        return LanguageIdentifier(*_read_model(path), norm_probs=True)
    except (OSError, ValueError, KeyError):
        pass
    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    with contextlib.suppress(OSError):
        _write_model(path, identifier)
    return identifier


def _write_model(path: Path, identifier: LanguageIdentifier) -> None:
    states = sorted(identifier.tk_output)
    outputs = [identifier.tk_output[s] for s in states]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as out:
        np.savez(
            out,
            nb_ptc=identifier.nb_ptc,
            nb_pc=identifier.nb_pc,
            nb_classes=np.array(identifier.nb_classes),
            tk_nextmove=np.frombuffer(identifier.tk_nextmove, np.uint16),
            tk_states=np.array(states, np.int64),
            tk_lengths=np.array([len(o) for o in outputs], np.int64),
            tk_features=np.array([f for o in outputs for f in o], np.int64),
        )
    os.replace(partial, path)


def _read_model(path: Path) -> tuple[Any, ...]:
    """The arguments of ``LanguageIdentifier`` as :func:`_write_model` stored them."""
    with np.load(path, allow_pickle=False) as saved:
        nb_ptc, nb_pc = saved["nb_ptc"], saved["nb_pc"]
        nb_classes = [str(c) for c in saved["nb_classes"]]
        nextmove = array.array("H", saved["tk_nextmove"].astype(np.uint16).tobytes())
        features = saved["tk_features"].tolist()
        ends = np.cumsum(saved["tk_lengths"]).tolist()
        states = saved["tk_states"].tolist()
    starts = [0, *ends[:-1]]
    output = {s: tuple(features[a:b]) for s, a, b in zip(states, starts, ends, strict=True)}
    return nb_ptc, nb_pc, nb_ptc.shape[0], nb_classes, nextmove, output
