"""ARPAbet (the phone set of CMUdict and PocketSphinx's en-us model) ↔ IPA.

PocketSphinx answers in ARPAbet; the rest of the engine speaks IPA the way Piper writes
it, one letter per phone, so diphthongs come back as two phones (``AY`` → ``a`` + ``ɪ``)
and the lip-sync stage can move through both shapes. Affricates stay one phone
(``CH`` → ``tʃ``): the lips make one gesture for them.

The other direction serves words CMUdict lacks: eSpeak NG speaks the word, and its IPA
phones are spelled in ARPAbet for the aligner's dictionary (:func:`letters_to_sounds`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from persona.lipsync.ipa import base_symbol, is_silence

ARPABET_IPA: dict[str, tuple[str, ...]] = {
    "AA": ("ɑː",),
    "AE": ("æ",),
    "AH": ("ʌ",),
    "AO": ("ɔː",),
    "AW": ("a", "ʊ"),
    "AY": ("a", "ɪ"),
    "EH": ("ɛ",),
    "ER": ("ɚ",),
    "EY": ("e", "ɪ"),
    "IH": ("ɪ",),
    "IY": ("i",),
    "OW": ("o", "ʊ"),
    "OY": ("ɔ", "ɪ"),
    "UH": ("ʊ",),
    "UW": ("uː",),
    "B": ("b",),
    "CH": ("tʃ",),
    "D": ("d",),
    "DH": ("ð",),
    "F": ("f",),
    "G": ("ɡ",),
    "HH": ("h",),
    "JH": ("dʒ",),
    "K": ("k",),
    "L": ("l",),
    "M": ("m",),
    "N": ("n",),
    "NG": ("ŋ",),
    "P": ("p",),
    "R": ("ɹ",),
    "S": ("s",),
    "SH": ("ʃ",),
    "T": ("t",),
    "TH": ("θ",),
    "V": ("v",),
    "W": ("w",),
    "Y": ("j",),
    "Z": ("z",),
    "ZH": ("ʒ",),
}
"""IPA letters of every ARPAbet phone; anything else PocketSphinx reports is silence or
noise."""

VOWELS = frozenset(
    {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}
)

SCHWA = "ə"
"""What an unstressed ``AH`` sounds like (CMUdict here carries no stress digits)."""

FIRST_PART = 0.6
"""Share of a diphthong's time its first letter takes."""

_IPA_PAIRS: dict[str, str] = {
    "aɪ": "AY",
    "aʊ": "AW",
    "eɪ": "EY",
    "oʊ": "OW",
    "əʊ": "OW",
    "ɔɪ": "OY",
    "tʃ": "CH",
    "dʒ": "JH",
    "ɪə": "IH",
    "eə": "EH",
    "ʊə": "UH",
}
_IPA_LETTERS: dict[str, str] = {
    **dict.fromkeys("aɑɒ", "AA"),
    **dict.fromkeys("ʌəɐ", "AH"),
    **dict.fromkeys("eɛ", "EH"),
    **dict.fromkeys("ɪᵻɨ", "IH"),
    **dict.fromkeys("ɚɝɜ", "ER"),
    **dict.fromkeys("ɹrɻ", "R"),
    **dict.fromkeys("ɡg", "G"),
    "æ": "AE",
    "ɔ": "AO",
    "i": "IY",
    "u": "UW",
    "ʊ": "UH",
    "o": "OW",
    "b": "B",
    "d": "D",
    "ɾ": "D",
    "f": "F",
    "h": "HH",
    "j": "Y",
    "k": "K",
    "x": "K",
    "l": "L",
    "ɫ": "L",
    "m": "M",
    "n": "N",
    "ŋ": "NG",
    "p": "P",
    "s": "S",
    "ʃ": "SH",
    "t": "T",
    "ʔ": "T",
    "θ": "TH",
    "ð": "DH",
    "v": "V",
    "w": "W",
    "z": "Z",
    "ʒ": "ZH",
}


def ipa_to_arpabet(phones: Sequence[str]) -> list[str]:
    """ARPAbet spelling of IPA phones (one letter each, as eSpeak NG's events give them).

    Pairs that are one ARPAbet phone (``a`` ``ɪ`` → ``AY``, ``t`` ``ʃ`` → ``CH``) join;
    an ``R`` after ``ER`` is dropped (``ɜː ɹ`` → ``ER``); unknown letters are skipped.
    """
    letters = "".join(base_symbol(p) for p in phones if not is_silence(p))
    spelled: list[str] = []
    i = 0
    while i < len(letters):
        pair = letters[i : i + 2]
        if len(pair) == 2 and pair in _IPA_PAIRS:
            phone, i = _IPA_PAIRS[pair], i + 2
        else:
            phone, i = _IPA_LETTERS.get(letters[i], ""), i + 1
        if not phone or (phone == "R" and spelled and spelled[-1] == "ER"):
            continue
        spelled.append(phone)
    return spelled


_espeak_lock = threading.Lock()


def letters_to_sounds(word: str) -> list[str]:
    """ARPAbet pronunciation of a word CMUdict lacks, from eSpeak NG's English rules.

    Empty when eSpeak NG is missing or finds nothing to say.
    """
    from persona.errors import PersonaError
    from persona.voice import get_engine, get_voice

    try:
        with _espeak_lock:
            engine = get_engine("espeak")
            speech = engine.synthesize(word, voice=get_voice("espeak-en", "en"), speed=1.0)
    except PersonaError:
        return []
    return ipa_to_arpabet([p.symbol for p in speech.phones])
