"""eSpeak NG through its C library (``libespeak-ng.so.1``), with phone and word events.

The library runs in synchronous mode: ``espeak_Synth`` calls our callback with blocks of
16-bit audio and the events that fall in them. Phoneme events (IPA names, one per phone)
and word events (position and length in the input text) carry the sample at which they
start; a phone lasts until the next phoneme event. Empty phoneme names are pauses.

Timing notes: for plosives eSpeak NG fires the event at the burst, so the 20–50 ms of
silent closure before it is billed to the previous phone. The lip-sync stage closes the
lips ahead of p/b/m itself, so the timings are reported as eSpeak NG gives them.

The library keeps global state: it is loaded and initialized once, on first use, and
every call into it holds one lock.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from persona.errors import DependencyError, SpeechError, UnknownLanguageError
from persona.script.langdetect import has_han
from persona.types import SILENCE, Speech
from persona.voice.base import Voice
from persona.voice.timeline import Span, ipa_letters, phones_from_spans, words_from_pairs

LANGUAGES: dict[str, tuple[str, str]] = {
    # code: (eSpeak NG voice name, English name of the language)
    "en": ("en-us", "English (US)"),
    "hi": ("hi", "Hindi"),
    "bn": ("bn", "Bengali"),
    "ta": ("ta", "Tamil"),
    "te": ("te", "Telugu"),
    "ml": ("ml", "Malayalam"),
    "kn": ("kn", "Kannada"),
    "mr": ("mr", "Marathi"),
    "gu": ("gu", "Gujarati"),
    "pa": ("pa", "Punjabi"),
    "ur": ("ur", "Urdu"),
    "as": ("as", "Assamese"),
    "or": ("or", "Odia"),
    "ne": ("ne", "Nepali"),
    "si": ("si", "Sinhala"),
    "es": ("es", "Spanish"),
    "fr": ("fr", "French"),
    "de": ("de", "German"),
    "pt": ("pt-br", "Portuguese (Brazil)"),
    "it": ("it", "Italian"),
    "nl": ("nl", "Dutch"),
    "pl": ("pl", "Polish"),
    "ru": ("ru", "Russian"),
    "uk": ("uk", "Ukrainian"),
    "tr": ("tr", "Turkish"),
    "ar": ("ar", "Arabic"),
    "fa": ("fa", "Persian"),
    "he": ("he", "Hebrew"),
    "sw": ("sw", "Swahili"),
    "id": ("id", "Indonesian"),
    "ms": ("ms", "Malay"),
    "vi": ("vi", "Vietnamese"),
    "th": ("th", "Thai"),
    "zh": ("cmn-latn-pinyin", "Chinese (Mandarin)"),
    "ja": ("ja", "Japanese"),
    "ko": ("ko", "Korean"),
}
"""Languages offered through eSpeak NG, by short code.

Mandarin uses ``cmn-latn-pinyin``: eSpeak NG 1.51's plain ``cmn`` voice reads Latin text
as English, and its dictionary turns hanzi into pinyin with tone digits before reading,
so it says "ni three hao three" for 你好. The pinyin variant speaks the same pinyin as
Mandarin syllables with tones (``docs/languages.md``)."""

_LANGUAGE_SWITCH = re.compile(r"\([a-z]{2,3}(?:-[a-z0-9]+)*\)")
_RETROFLEX = {"s": "ʂ", "z": "ʐ", "t": "ʈ", "d": "ɖ", "n": "ɳ", "l": "ɭ", "r": "ɽ", "i": "ɨ"}
_DOTTED = re.compile(r"(\w)\.")
# "h" inside one phoneme, right after a stop or an affricate, is its aspiration.
_ASPIRATION = re.compile(r"(?:(?<=[pbtdʈɖkgɡcɟq])|(?<=[tdʈɖ][sʃɕʂzʒʑʐ]))h")
_STANDALONE = {"ʲ": "j", "ʷ": "w"}
_NOT_PHONETIC = str.maketrans("", "", '-"')
_LIBRARY_NAMES = ("libespeak-ng.so.1", "libespeak-ng.so")
_INSTALL_HINT = "eSpeak NG is not installed: apt-get install libespeak-ng1 espeak-ng"
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_PHONEME_EVENTS = 0x0001
_INITIALIZE_PHONEME_IPA = 0x0002
_INITIALIZE_DONT_EXIT = 0x8000
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_PARAMETER_RATE = 1
_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1
_EVENT_PHONEME = 7
_DEFAULT_RATE = 175  # words per minute, eSpeak NG's own default
_RATE_LIMITS = (80, 450)


class _EventId(ctypes.Union):
    _fields_ = (
        ("number", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("string", ctypes.c_char * 8),
    )


class _Event(ctypes.Structure):
    _fields_ = (
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", _EventId),
    )


_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass
class _Recording:
    """What one ``espeak_Synth`` call produced: audio blocks and events."""

    blocks: list[np.ndarray] = field(default_factory=list)
    phonemes: list[tuple[int, str]] = field(default_factory=list)  # (sample, IPA)
    words: list[tuple[int, int, int]] = field(default_factory=list)  # (sample, pos, len)

    def receive(
        self, wav: ctypes.Array[ctypes.c_short] | None, count: int, events: ctypes.Array[_Event]
    ) -> int:
        if wav and count > 0:
            self.blocks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        index = 0
        while events[index].type != _EVENT_LIST_TERMINATED:
            event = events[index]
            if event.type == _EVENT_PHONEME:
                raw = bytes(event.id.string).split(b"\0", 1)[0]
                self.phonemes.append((event.sample, raw.decode("utf-8", "replace")))
            elif event.type == _EVENT_WORD and event.text_position > 0 and event.length > 0:
                # (a stray empty word event can trail a previous message)
                self.words.append((event.sample, event.text_position, event.length))
            index += 1
        return 0


class _Library:
    """The loaded, initialized eSpeak NG library (one per process)."""

    def __init__(self) -> None:
        self.lib = _open_library()
        self.lib.espeak_Synth.argtypes = (
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        )
        self.lib.espeak_SetVoiceByName.argtypes = (ctypes.c_char_p,)
        self.lib.espeak_SetParameter.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_int)
        options = _INITIALIZE_PHONEME_EVENTS | _INITIALIZE_PHONEME_IPA | _INITIALIZE_DONT_EXIT
        rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, None, options)
        if rate <= 0:
            raise DependencyError(f"eSpeak NG failed to start (no voice data?): {_INSTALL_HINT}")
        self.sample_rate = int(rate)
        self.recording = _Recording()
        self._callback = _Callback(self._receive)  # kept alive as long as the library
        self.lib.espeak_SetSynthCallback(self._callback)

    def _receive(
        self, wav: ctypes.Array[ctypes.c_short] | None, count: int, events: ctypes.Array[_Event]
    ) -> int:
        return self.recording.receive(wav, count, events)

    def speak(self, text: str, voice_name: str, rate: int) -> _Recording:
        if self.lib.espeak_SetVoiceByName(voice_name.encode()) != 0:
            raise SpeechError(f"eSpeak NG has no voice {voice_name!r}")
        self.lib.espeak_SetParameter(_PARAMETER_RATE, rate, 0)
        self.recording = _Recording()
        data = text.encode("utf-8")
        status = self.lib.espeak_Synth(
            data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != 0:
            raise SpeechError(f"eSpeak NG failed to speak {text[:40]!r} (error {status})")
        return self.recording


def _open_library() -> ctypes.CDLL:
    names = list(_LIBRARY_NAMES)
    found = ctypes.util.find_library("espeak-ng")
    if found:
        names.append(found)
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    raise DependencyError(_INSTALL_HINT)


_library: _Library | None = None
_lock = threading.Lock()


def _get_library() -> _Library:
    global _library
    if _library is None:
        _library = _Library()
    return _library


def _rate(speed: float) -> int:
    low, high = _RATE_LIMITS
    return int(min(high, max(low, round(_DEFAULT_RATE * speed))))


def clean_phone_name(name: str) -> str:
    """An eSpeak NG phoneme name as IPA.

    Most names already are IPA, but some voices leak their phoneme mnemonics into the
    IPA names of phoneme events: a dot marks retroflexion (Mandarin ``s.`` ``ts.`` and
    the apical vowel ``i.``, Hindi ``r.``), ``h`` after a stop is aspiration (Mandarin
    and Korean ``th`` ``tɕh`` ``kh``), and ``-`` or ``"`` mark syllable boundaries and
    vowel variants (French ``a-``, Korean ``t-``, Russian ``u"``). A lone ``ʲ`` or ``ʷ``
    (Japanese ``kʲo``, Russian ``nʲ``) is the glide it marks. ``"(en)"`` ... ``"(cmn)"``
    switch the language inside the text and are dropped: they are not sounds.
    """
    name = _LANGUAGE_SWITCH.sub("", name)
    name = _DOTTED.sub(lambda m: _RETROFLEX.get(m.group(1), m.group(1)), name)
    name = _ASPIRATION.sub("ʰ", name).translate(_NOT_PHONETIC).replace(".", "")
    return _STANDALONE.get(name, name)


def _phone_spans(recording: _Recording, n_samples: int) -> list[Span]:
    """One span per IPA letter; a phoneme event lasts until the next one."""
    events = []
    for start, name in sorted(recording.phonemes, key=lambda e: e[0]):
        bare = clean_phone_name(name)
        if bare or not name:
            events.append((start, bare))
    spans: list[Span] = []
    for index, (start, name) in enumerate(events):
        end = events[index + 1][0] if index + 1 < len(events) else n_samples
        end = min(max(end, start), n_samples)
        letters = ipa_letters(name)
        if not letters:
            spans.append(Span(SILENCE, start, end))
            continue
        for i, (letter, stress) in enumerate(letters):
            a = start + (end - start) * i // len(letters)
            b = start + (end - start) * (i + 1) // len(letters)
            spans.append(Span(letter, a, b, stress))
    return spans


def _text_words(text: str) -> list[str]:
    """Whitespace-separated words of ``text`` without surrounding punctuation."""
    words = []
    for token in text.split():
        start, end = 0, len(token)
        while start < end and unicodedata.category(token[start])[0] in "PS":
            start += 1
        while end > start and unicodedata.category(token[end - 1])[0] in "PS":
            end -= 1
        if any(c.isalnum() for c in token[start:end]):
            words.append(token[start:end])
    return words


def _word_pairs(text: str, recording: _Recording, spans: list[Span]) -> list[tuple[str, int, int]]:
    """(word, start, end) in samples.

    Each word event owns the letters up to the next event and the text up to the next
    event's position; eSpeak NG sometimes speaks two words as one ("of the"), and then
    the words share the event's time in proportion to their length.
    """
    events = sorted(recording.words, key=lambda e: (e[0], e[1]))
    pairs: list[tuple[str, int, int]] = []
    consumed = 0  # characters of ``text`` already given to a word
    for index, (sample, position, _length) in enumerate(events):
        following = events[index + 1] if index + 1 < len(events) else None
        limit = following[0] if following else None
        owned = [
            s
            for s in spans
            if not s.silent and s.start >= sample and (limit is None or s.start < limit)
        ]
        stop = following[1] - 1 if following and following[1] > position else len(text)
        words = _text_words(text[max(position - 1, consumed) : stop])
        consumed = max(consumed, stop)
        if not owned:
            continue
        if words:
            pairs.extend(_share(words, owned[0].start, owned[-1].end))
        elif pairs:  # more sound for the word before (one word spoken as several)
            word, start, _end = pairs[-1]
            pairs[-1] = (word, start, owned[-1].end)
    return pairs


def _share(words: list[str], start: int, end: int) -> list[tuple[str, int, int]]:
    """Split [start, end) among ``words`` in proportion to their length."""
    total = sum(len(w) for w in words)
    shared, done = [], 0
    for word in words:
        a = start + (end - start) * done // total
        done += len(word)
        shared.append((word, a, start + (end - start) * done // total))
    return shared


def reading_warnings(text: str, lang: str) -> list[str]:
    """What eSpeak NG will read badly in ``text`` spoken as ``lang``, one message each.

    Its Japanese dictionary has kana and no kanji: every kanji is spoken as the English
    words "Chinese letter" (``docs/languages.md``).
    """
    if lang == "ja" and has_han(text):
        return [
            "eSpeak NG reads Japanese kanji as 'Chinese letter': write the script in "
            "kana (hiragana or katakana) for Japanese speech"
        ]
    return []


class EspeakEngine:
    """:class:`~persona.voice.base.TTSEngine` for eSpeak NG voices (many languages)."""

    name = "espeak"

    def languages(self) -> tuple[str, ...]:
        return tuple(LANGUAGES)

    def synthesize(self, text: str, *, voice: Voice, speed: float) -> Speech:
        """Speak ``text`` with the eSpeak NG voice named by ``voice.model``."""
        if voice.lang not in LANGUAGES:
            supported = ", ".join(sorted(LANGUAGES))
            raise UnknownLanguageError(
                f"eSpeak NG has no language {voice.lang!r} here (supported: {supported})"
            )
        with _lock:
            library = _get_library()
            if not any(c.isalnum() for c in text):
                return Speech(np.zeros(0, np.float32), library.sample_rate, ())
            recording = library.speak(text, voice.model, _rate(speed))
            sample_rate = library.sample_rate
        pcm = np.concatenate(recording.blocks) if recording.blocks else np.zeros(0, np.int16)
        audio = (pcm.astype(np.float32) / 32768.0).clip(-1.0, 1.0)
        spans = _phone_spans(recording, len(audio))
        return Speech(
            audio=audio,
            sample_rate=sample_rate,
            phones=phones_from_spans(spans, len(audio), sample_rate),
            words=words_from_pairs(_word_pairs(text, recording, spans), sample_rate),
        )
