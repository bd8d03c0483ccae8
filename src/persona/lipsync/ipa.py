"""IPA phone symbols → visemes.

Symbols come from Piper (mostly one IPA letter per phone) and from eSpeak NG for many
languages, so they carry diacritics: aspiration ``tʰ``, breathy voice ``bʱ``, nasal vowels
``ã``, syllabic ``n̩``, palatalization ``ʲ``, r-coloring ``˞``, tone digits and tone letters,
length marks ``ː``, tie bars ``t͡ʃ``. None of these change what the lips do enough to
matter, so :func:`base_symbol` strips them and the lookup goes by base letters.

A symbol that is one known letter maps to one viseme. A known affricate (``tʃ``, ``ts``)
maps to one viseme too. Any other run of letters (a diphthong ``aɪ``, a cluster ``mb``,
``kp``) maps to one viseme per letter, in order, so the animation can move through them.
A letter nobody knows maps to :data:`~persona.lipsync.visemes.NEUTRAL`; nothing raises.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from persona.lipsync.visemes import NEUTRAL
from persona.types import SILENCE

LETTER_GROUPS: dict[str, str] = {
    "MBP": "pbmɓʙʘβɸ",
    "FV": "fvɱʋⱱ",
    "TH": "θð",
    "DN": "tdnszɾɗʈɖɳɽrʦʣcɟɲçʝʄǀǃǂǁʡ",
    "SH": "ʃʒɕʑʂʐʧʤ",
    "KG": "kgɡŋqɢɴxɣχʁʀɠʛɰħʕʜʢɧ",
    "HH": "hɦʔ",
    "L": "lɫɭʎʟɬɮɺ",
    "R": "ɹɻ",
    "EE": "ij",
    "IH": "ɪɨᵻɯ",
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

_KEEP_CATEGORIES = frozenset({"Ll", "Lu", "Lo", "Lt"})
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
    return tuple(names)


def viseme_for(symbol: str) -> str:
    """The main viseme of one phone symbol (its first one)."""
    return phone_visemes(symbol)[0]
