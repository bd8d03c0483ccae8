"""IPA phone symbols → visemes.

Symbols come from Piper (mostly one IPA letter per phone) and from eSpeak NG for many
languages, so they carry diacritics: aspiration ``tʰ``, breathy voice ``bʱ``, nasal vowels
``ã``, syllabic ``n̩``, palatalization ``ʲ``, r-coloring ``˞``, tone digits and tone letters,
length marks ``ː``, tie bars ``t͡ʃ``. None of these change what the lips do enough to
matter, so :func:`base_symbol` strips them and the lookup goes by base letters.

A symbol that is one known letter maps to one viseme. A known affricate (``tʃ``, ``ts``)
maps to one viseme too. Any other run of letters (a diphthong ``aɪ``, a cluster ``mb``,
``kp``) maps to one viseme per letter, in order, so the animation can move through them.
A letter nobody knows maps to :data:`~persona.lipsync.visemes.NEUTRAL`; nothing raises,
but the symbol is logged once, and :func:`unmapped` names such letters so tests can check
every language's phone set (``tests/unit/lipsync/test_lipsync_languages.py``).

A modifier letter that arrives on its own (eSpeak NG sometimes times a palatal off-glide
``ʲ`` as a phone of its own) stands for the sound it marks: ``ʲ`` is a ``j``, ``ʷ`` a ``w``,
``ʰ`` an ``h``.
"""

from __future__ import annotations

import logging
import unicodedata
from functools import lru_cache

from persona.lipsync.visemes import NEUTRAL
from persona.types import SILENCE

LETTER_GROUPS: dict[str, str] = {
    "MBP": "pbmɓʙʘβɸ",
    "FV": "fvɱʋⱱ",
    "TH": "θð",
    "DN": "tdnszɾɗʈɖɳɽrʦʣcɟɲçʝʄǀǃǂǁ",
    "SH": "ʃʒɕʑʂʐʧʤʨʥ",
    "KG": "kgɡŋqɢɴxɣχʁʀɠʛɰɧ",
    "HH": "hɦʔħʕʜʢʡ",
    "L": "lɫɭʎʟɬɮɺ",
    "R": "ɹɻ",
    "EE": "ij",
    "IH": "ɪɨᵻɯɿʅ",
    "EH": "eɛæ",
    "AA": "aɑɐʌ",
    "SCHWA": "əɘɤ",
    "ER": "ɚɝɜɞ",
    "OH": "oɔɒøœɵɶ",
    "OO": "uʊʉwʍɥyʏ",
}

LETTERS: dict[str, str] = {ch: name for name, chars in LETTER_GROUPS.items() for ch in chars}
"""Viseme of every IPA base letter the mapping knows."""

AFFRICATES: dict[str, str] = {
    "tʃ": "SH",
    "dʒ": "SH",
    "tɕ": "SH",
    "dʑ": "SH",
    "ʈʂ": "SH",
    "ɖʐ": "SH",
    "ts": "DN",
    "dz": "DN",
    "tɬ": "L",
    "dɮ": "L",
}
"""Letter pairs spoken as one gesture, mapped to a single viseme."""

MODIFIERS: dict[str, str] = {
    "ʲ": "EE",
    "ʷ": "OO",
    "ᶣ": "OO",
    "ʰ": "HH",
    "ʱ": "HH",
    "ˠ": "KG",
    "ˤ": "HH",
    "ⁿ": "DN",
    "ˡ": "L",
}
"""Viseme of a modifier letter heard on its own: the sound it marks on a letter."""

_KEEP_CATEGORIES = frozenset({"Ll", "Lu", "Lo", "Lt"})
_DIACRITIC_CATEGORIES = frozenset({"Mn", "Me", "Lm", "Sk", "Nd"})
_log = logging.getLogger(__name__)
_PAUSE_MARKS = frozenset({SILENCE, "|", "‖", " ", "\t"})


def is_silence(symbol: str) -> bool:
    """True for a pause: :data:`~persona.types.SILENCE`, an empty name or IPA pause bars."""
    return all(ch in _PAUSE_MARKS for ch in symbol)


def base_symbol(symbol: str) -> str:
    """``symbol`` without diacritics, modifier letters, tone marks, digits or length marks.

    ``"tʰ"`` → ``"t"``, ``"ã"`` → ``"a"``, ``"n̩"`` → ``"n"``, ``"t͡ʃ"`` → ``"tʃ"``,
    ``"ɑː"`` → ``"ɑ"``, ``"ma˥˩"`` → ``"ma"``, ``"a3"`` → ``"a"``. Stray capital letters are
    lowered.
    """
    decomposed = unicodedata.normalize("NFD", symbol)
    kept = [ch for ch in decomposed if unicodedata.category(ch) in _KEEP_CATEGORIES]
    return "".join(kept).lower()


@lru_cache(maxsize=4096)
def phone_visemes(symbol: str) -> tuple[str, ...]:
    """The visemes a phone moves through, in order (one for most phones).

    Silence is not a phone here: callers check :func:`is_silence` first. Unknown letters
    give :data:`~persona.lipsync.visemes.NEUTRAL`.
    """
    base = base_symbol(symbol)
    if not base:
        marks = unicodedata.normalize("NFD", symbol.strip())
        if marks[:1] in MODIFIERS:
            return (MODIFIERS[marks[0]],)
        _log.warning("no viseme for phone %r: using %s", symbol, NEUTRAL)
        return (NEUTRAL,)
    if base in AFFRICATES:
        return (AFFRICATES[base],)
    names: list[str] = []
    i = 0
    while i < len(base):
        pair = base[i : i + 2]
        if len(pair) == 2 and pair in AFFRICATES:
            name, i = AFFRICATES[pair], i + 2
        else:
            name, i = LETTERS.get(base[i], NEUTRAL), i + 1
        if not names or names[-1] != name:
            names.append(name)
    if NEUTRAL in names:
        _log.warning("no viseme for a letter of phone %r: using %s", symbol, NEUTRAL)
    return tuple(names)


def viseme_for(symbol: str) -> str:
    """The main viseme of one phone symbol (its first one)."""
    return phone_visemes(symbol)[0]


def unmapped(symbol: str) -> tuple[str, ...]:
    """The characters of ``symbol`` that the mapping does not understand, in order.

    A letter is understood when it has a viseme; a diacritic, modifier letter, tone
    letter or tone digit when it rides on a letter (a lone modifier must be one of
    :data:`MODIFIERS`). Anything else (punctuation such as ``.`` or ``-`` that an engine
    leaked into a phone name, a letter missing from :data:`LETTER_GROUPS`) is returned.
    Silence gives ``()``.
    """
    if is_silence(symbol):
        return ()
    chars = unicodedata.normalize("NFD", symbol)
    if not base_symbol(symbol):
        return () if chars[:1] in MODIFIERS else tuple(chars)
    missing: list[str] = []
    for ch in chars:
        category = unicodedata.category(ch)
        if category in _KEEP_CATEGORIES:
            known = ch.lower() in LETTERS
        else:
            known = category in _DIACRITIC_CATEGORIES or ch in "ːˑ˞"
        if not known:
            missing.append(ch)
    return tuple(missing)
