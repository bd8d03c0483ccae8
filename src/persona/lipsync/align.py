"""Audio → timed words and phones with PocketSphinx 5 (en-us model, CMUdict).

    align(audio, rate, words)       forced alignment of a known word sequence
    recognize_phones(audio, rate)   phone recognition with no words (the phone LM)

Forced alignment runs two passes over each piece of audio: the first finds the words
(an FSG search that may put optional silences between them), the second finds the phones
inside those words. The second pass needs wide beams, or some utterances fail to reach
their final state; when it fails anyway, the words keep their first-pass times and their
phones share them by typical length.

Long audio is cut into pieces at the pauses the first pass found over the whole, so each
phone pass is short; a piece that fails alone falls back alone.

Words CMUdict lacks get a pronunciation from eSpeak NG's English rules
(:func:`~persona.lipsync.arpabet.letters_to_sounds`); a word nobody can pronounce is left
out of the alignment and its sound goes to its neighbours.

PocketSphinx's decoders keep state, so each is created once, on first use, and used
under a lock.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from persona.errors import AudioError, DependencyError, EngineError
from persona.lipsync.arpabet import ARPABET_IPA, FIRST_PART, SCHWA, VOWELS, letters_to_sounds
from persona.media.audio import as_mono_float32, resample
from persona.types import SILENCE, Phone, Word

SPHINX_RATE = 16000
FRAME_MS = 10
"""PocketSphinx's frame step."""

FRAME_OFFSET_MS = 10
"""Added to every time PocketSphinx reports: frame k is the 25.6 ms window that starts at
k * 10 ms, so its sound lies about 10 ms later (eSpeak NG's exact phone events agree best
with this shift)."""

PIECE_MS = 8000
"""Long audio is cut at the first pause after this much speech."""

ALIGN_BEAMS = {"beam": 1e-200, "wbeam": 1e-150, "pbeam": 1e-200}
"""Wide enough that eSpeak NG's robotic speech aligns too (it fails at 1e-80); the search
follows one word sequence, so wide beams cost little."""
PHONE_BEAMS = {"beam": 1e-20, "pbeam": 1e-20, "lw": 2.0}

_INSTALL_HINT = "pip install pocketsphinx==5.1.1"
_ALTERNATE = re.compile(r"\(\d+\)$")
_NOT_WORD = re.compile(r"[^\w']+")


class AlignmentError(EngineError):
    """The audio could not be matched to the words given."""


@dataclass(frozen=True)
class Alignment:
    """Timed words and IPA phones of a stretch of audio, in ms from its start.

    ``phones`` tile ``[0, duration]``; pauses and noise are :data:`SILENCE`.
    """

    words: tuple[Word, ...]
    phones: tuple[Phone, ...]


@dataclass(frozen=True)
class _Timed:
    """A word or phone as PocketSphinx reports it, in frames."""

    name: str
    start: int
    end: int  # exclusive


class _Sphinx:
    """PocketSphinx decoders, created on first use (about half a second each)."""

    def __init__(self) -> None:
        try:
            import pocketsphinx
        except ImportError as exc:
            raise DependencyError(f"alignment needs PocketSphinx: {_INSTALL_HINT}") from exc
        self.module = pocketsphinx
        self.model = Path(pocketsphinx.get_model_path()) / "en-us"
        self._aligner: Any = None
        self._phones: Any = None

    def _decoder(self, **options: object) -> Any:
        try:
            return self.module.Decoder(
                hmm=str(self.model / "en-us"), loglevel="FATAL", bestpath=False, **options
            )
        except (RuntimeError, ValueError) as exc:
            raise DependencyError(f"PocketSphinx failed to start: {exc}") from exc

    @property
    def aligner(self) -> Any:
        if self._aligner is None:
            dictionary = str(self.model / "cmudict-en-us.dict")
            self._aligner = self._decoder(dict=dictionary, lm=None, **ALIGN_BEAMS)
        return self._aligner

    @property
    def phones(self) -> Any:
        if self._phones is None:
            phone_lm = str(self.model / "en-us-phone.lm.bin")
            self._phones = self._decoder(allphone=phone_lm, lm=None, **PHONE_BEAMS)
        return self._phones


_sphinx: _Sphinx | None = None
_lock = threading.Lock()


def _engine() -> _Sphinx:
    global _sphinx
    if _sphinx is None:
        _sphinx = _Sphinx()
    return _sphinx


def spoken_words(text: str) -> list[str]:
    """The words of ``text`` without punctuation (apostrophes kept inside a word)."""
    return [w.strip("'_") for w in _NOT_WORD.split(text) if w.strip("'_")]


def pcm16(audio: np.ndarray, sample_rate: int) -> bytes:
    """``audio`` as 16 kHz 16-bit PCM, the only input PocketSphinx's model takes."""
    if sample_rate <= 0:
        raise AudioError(f"sample rate must be positive, got {sample_rate}")
    samples = resample(as_mono_float32(audio), sample_rate, SPHINX_RATE)
    if not len(samples):
        raise AudioError("the audio is empty")
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def align(audio: np.ndarray, sample_rate: int, words: str | Sequence[str]) -> Alignment:
    """Word and phone times of ``words`` (a text or a word list) spoken in ``audio``.

    Raises :class:`AlignmentError` when the words cannot be matched to the audio and
    :class:`~persona.errors.AudioError` for unusable audio.
    """
    pcm = pcm16(audio, sample_rate)
    tokens = spoken_words(words if isinstance(words, str) else " ".join(words))
    duration_ms = len(pcm) // 2 * 1000 // SPHINX_RATE
    with _lock:
        decoder = _engine().aligner
        known = [t for t in tokens if _pronounceable(decoder, t.lower())]
        if not known:
            raise AlignmentError("none of the words can be pronounced for alignment")
        first = _first_pass(decoder, pcm, [t.lower() for t in known])
        timed_words: list[_Timed] = []
        timed_phones: list[_Timed] = []
        for start, end in _pieces(first, len(pcm) // 320):
            piece = [w for w in first if w.start >= start and w.end <= end]
            words_here, phones_here = _align_piece(decoder, pcm, start, end, piece)
            timed_words += [w for w in words_here if not _is_filler(w.name)]
            timed_phones += phones_here
    return Alignment(
        words=tuple(
            Word(text, _ms(w.start), _ms(w.end)) for text, w in zip(known, timed_words, strict=True)
        ),
        phones=_tile(_ipa_phones(timed_words, timed_phones), duration_ms),
    )


def recognize_phones(audio: np.ndarray, sample_rate: int) -> Alignment:
    """Phones heard in ``audio`` without knowing the words (English phone LM)."""
    pcm = pcm16(audio, sample_rate)
    duration_ms = len(pcm) // 2 * 1000 // SPHINX_RATE
    with _lock:
        decoder = _engine().phones
        try:
            _decode(decoder, pcm)
            found = [_Timed(s.word, s.start_frame, s.end_frame + 1) for s in decoder.seg() or ()]
        except RuntimeError as exc:
            raise AlignmentError(f"phone recognition failed: {exc}") from exc
    return Alignment(words=(), phones=_tile(_ipa_phones([], found), duration_ms))


# ---------------------------------------------------------------------------- passes


def _decode(decoder: Any, pcm: bytes) -> None:
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()


def _pronounceable(decoder: Any, word: str) -> bool:
    """Is ``word`` in the dictionary, or can eSpeak NG's rules add it?"""
    if decoder.lookup_word(word) is not None:
        return True
    spelled = letters_to_sounds(word)
    if not spelled:
        return False
    try:
        decoder.add_word(word, " ".join(spelled), True)
    except (RuntimeError, ValueError):
        return False
    return True


def _first_pass(decoder: Any, pcm: bytes, words: list[str]) -> list[_Timed]:
    """Words and pauses over all of ``pcm``, in frames."""
    try:
        decoder.set_align_text(" ".join(words))
        _decode(decoder, pcm)
        segments = [_Timed(s.word, s.start_frame, s.end_frame + 1) for s in decoder.seg() or ()]
    except RuntimeError as exc:
        raise AlignmentError(f"the words could not be aligned to the audio: {exc}") from exc
    spoken = [s for s in segments if not _is_filler(s.name)]
    if len(spoken) != len(words):
        raise AlignmentError("the words could not be aligned to the audio")
    return segments


def _pieces(segments: list[_Timed], n_frames: int) -> list[tuple[int, int]]:
    """Frame ranges to align one by one, cut in the middle of pauses."""
    limit = PIECE_MS // FRAME_MS
    cuts = [0]
    for segment in segments:
        if segment.name == "<sil>" and segment.start - cuts[-1] >= limit:
            cuts.append((segment.start + segment.end) // 2)
    cuts.append(max(n_frames, segments[-1].end if segments else 0, cuts[-1] + 1))
    return list(itertools.pairwise(cuts))


def _align_piece(
    decoder: Any, pcm: bytes, start: int, end: int, first: list[_Timed]
) -> tuple[list[_Timed], list[_Timed]]:
    """Second-pass word and phone times for frames ``[start, end)``."""
    words = [w for w in first if not _is_filler(w.name)]
    if not words:
        return [], []
    piece = pcm[start * 320 : end * 320]  # 160 samples of 2 bytes per frame
    try:
        decoder.set_align_text(" ".join(_ALTERNATE.sub("", w.name) for w in words))
        _decode(decoder, piece)
        decoder.set_alignment()
        _decode(decoder, piece)
        found_words, found_phones = _read_alignment(decoder.get_alignment(), start)
    except RuntimeError:
        return words, _spread_phones(decoder, words)
    if len([w for w in found_words if not _is_filler(w.name)]) != len(words):
        return words, _spread_phones(decoder, words)
    return found_words, found_phones


def _read_alignment(alignment: Any, offset: int) -> tuple[list[_Timed], list[_Timed]]:
    words: list[_Timed] = []
    phones: list[_Timed] = []
    for word in alignment:
        words.append(_Timed(word.name, offset + word.start, offset + word.start + word.duration))
        for phone in word:
            phones.append(
                _Timed(phone.name, offset + phone.start, offset + phone.start + phone.duration)
            )
    return words, phones


def _spread_phones(decoder: Any, words: list[_Timed]) -> list[_Timed]:
    """Phones of each word sharing its first-pass time, vowels twice as long as others."""
    phones: list[_Timed] = []
    for word in words:
        spelled = (decoder.lookup_word(_ALTERNATE.sub("", word.name)) or "").split()
        if not spelled:
            continue
        weights = np.array([2.0 if p in VOWELS else 1.0 for p in spelled])
        edges = word.start + np.round(
            np.concatenate(([0.0], np.cumsum(weights))) / weights.sum() * (word.end - word.start)
        ).astype(int)
        phones += [
            _Timed(p, int(a), int(b))
            for p, a, b in zip(spelled, edges[:-1], edges[1:], strict=True)
            if b > a
        ]
    return phones


# ---------------------------------------------------------------------------- results


def _is_filler(name: str) -> bool:
    return name.startswith(("<", "[", "+")) or name in ("SIL", "")


def _ms(frame: int) -> int:
    return max(0, frame * FRAME_MS + FRAME_OFFSET_MS)


def _ipa_phones(words: list[_Timed], phones: list[_Timed]) -> list[Phone]:
    """IPA phones with stress: the longest vowel of each word is stressed, and an
    unstressed ``AH`` is a schwa."""
    stressed = set()
    for word in words:
        vowels = [p for p in phones if p.name in VOWELS and word.start <= p.start < word.end]
        if vowels:
            stressed.add(max(vowels, key=lambda p: p.end - p.start))
    result: list[Phone] = []
    for phone in phones:
        letters = ARPABET_IPA.get(phone.name)
        start, end = _ms(phone.start), _ms(phone.end)
        if letters is None:
            result.append(Phone(SILENCE, start, end))
            continue
        stress = 1 if phone in stressed else 0
        if phone.name == "AH" and not stress:
            letters = (SCHWA,)
        if len(letters) == 2:
            middle = start + round((end - start) * FIRST_PART)
            result += [Phone(letters[0], start, middle, stress), Phone(letters[1], middle, end)]
        else:
            result.append(Phone(letters[0], start, end, stress))
    return result


def _tile(phones: list[Phone], total_ms: int) -> tuple[Phone, ...]:
    """``phones`` made contiguous over ``[0, total_ms]``, gaps and the ends silent."""
    from persona.voice.synth import tile

    filled: list[Phone] = []
    cursor = 0
    for phone in sorted(phones, key=lambda p: p.start_ms):
        if phone.start_ms > cursor:
            filled.append(Phone(SILENCE, cursor, phone.start_ms))
        filled.append(phone)
        cursor = max(cursor, phone.end_ms)
    return tile(filled, total_ms)
