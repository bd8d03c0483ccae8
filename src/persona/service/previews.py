"""Small, fast previews for the web studio: an illustrated avatar's still and a voice's
sample sentence, each made once and kept in memory.

* :func:`avatar_options` lists every customization field of an illustrated avatar
  (from :mod:`persona.avatar.creator.spec`: its choices, colour palettes and defaults);
* :func:`avatar_preview_png` draws a template with changes at rest, as a PNG, cached by
  the spec's digest and the size (equal specs, one drawing);
* :func:`voice_preview_wav` speaks a short sentence in the voice's language, cached by
  voice id (a saved voice is immutable: editing one makes a new id).

The caches are bounded LRU maps in this process; every API process fills its own.
"""

from __future__ import annotations

import io
import threading
import wave
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any

from persona.errors import InputError

AVATAR_CACHE_ENTRIES = 256
VOICE_CACHE_ENTRIES = 128
SAMPLE_SENTENCES = {
    "en": "Hello! This is my voice, reading your script.",
    "es": "¡Hola! Así suena mi voz leyendo tu guion.",
    "fr": "Bonjour ! Voici ma voix quand je lis votre texte.",
    "de": "Hallo! So klingt meine Stimme, wenn ich Ihren Text lese.",
    "it": "Ciao! Ecco la mia voce mentre leggo il tuo testo.",
    "pt": "Olá! Esta é a minha voz lendo o seu roteiro.",
    "nl": "Hallo! Zo klinkt mijn stem als ik je tekst voorlees.",
    "pl": "Cześć! To jest mój głos.",
    "ru": "Привет! Это мой голос.",
    "uk": "Привіт! Це мій голос.",
    "tr": "Merhaba! Bu benim sesim.",
    "id": "Halo! Ini suara saya.",
    "ms": "Helo! Ini suara saya.",
    "sw": "Habari! Hii ni sauti yangu.",
    "vi": "Xin chào! Đây là giọng nói của tôi.",
    "zh": "你好！这是我的声音。",
    "ja": "こんにちは！これが私の声です。",
    "ko": "안녕하세요! 이것이 제 목소리입니다.",
    "ar": "مرحبا! هذا صوتي.",
    "fa": "سلام! این صدای من است.",
    "he": "שלום! זה הקול שלי.",
    "ur": "السلام علیکم! یہ میری آواز ہے۔",
    "hi": "नमस्ते! यह मेरी आवाज़ है।",
    "mr": "नमस्कार! हा माझा आवाज आहे.",
    "ne": "नमस्ते! यो मेरो आवाज हो।",
    "bn": "নমস্কার! এটা আমার কণ্ঠস্বর।",
    "as": "নমস্কাৰ! এইটো মোৰ মাত।",
    "gu": "નમસ્તે! આ મારો અવાજ છે.",
    "pa": "ਸਤ ਸ੍ਰੀ ਅਕਾਲ! ਇਹ ਮੇਰੀ ਆਵਾਜ਼ ਹੈ।",
    "or": "ନମସ୍କାର! ଏହା ମୋର ସ୍ୱର।",
    "ta": "வணக்கம்! இது என் குரல்.",
    "te": "నమస్కారం! ఇది నా గొంతు.",
    "kn": "ನಮಸ್ಕಾರ! ಇದು ನನ್ನ ಧ್ವನಿ.",
    "ml": "നമസ്കാരം! ഇത് എന്റെ ശബ്ദമാണ്.",
    "si": "ආයුබෝවන්! මේ මගේ කටහඬ.",
    "th": "สวัสดี! นี่คือเสียงของฉัน",
}
"""A short sentence per language for voice previews (English for any other)."""

OPTION_NOTES = {
    "face.skin": "a Monk Skin Tone name monk1 (lightest) .. monk10 (deepest), or #rrggbb",
    "face.blush": "rosy cheeks, 0 .. 1",
    "brows.colour": "null: a shade of the hair colour",
    "mouth.colour": "lip colour (lipstick); null: from the skin",
    "facial_hair.colour": "null: the hair colour",
    "clothing.accent": "the shirt under a blazer, a saree's border, trims",
    "accessories.bindi": "a colour, or null for none",
    "background.colours": "one or two colours: top → bottom, or centre → edge",
}
RULES = [
    "A hat and a headscarf cannot be combined (accessories.hat or accessories.headscarf).",
    "A hijab or a turban hides the hair.",
    "Colours are #rrggbb or one of the names listed with each colour option.",
]


class LRU:
    """A small thread-safe least-recently-used map of bytes."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._items: OrderedDict[Any, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Any, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


_avatars = LRU(AVATAR_CACHE_ENTRIES)
_voices = LRU(VOICE_CACHE_ENTRIES)


# ---------------------------------------------------------------------------- avatars


def avatar_options() -> list[dict[str, Any]]:
    """Every field of an avatar spec: dotted name, kind, allowed values, default."""
    from persona.avatar.creator.spec import AvatarSpec, allowed_values

    choices = allowed_values()
    out: list[dict[str, Any]] = []
    for name, default, annotation in _leaves(AvatarSpec(), ""):
        if name in ("schema", "name"):
            continue
        option: dict[str, Any] = {"name": name, "default": default}
        if name in choices:
            option |= {"kind": "choice", "values": list(choices[name])}
        else:
            option |= _typed_option(name, default, annotation)
        option["description"] = OPTION_NOTES.get(name, "")
        out.append(option)
    return out


def _leaves(part: Any, prefix: str) -> list[tuple[str, Any, str]]:
    leaves = []
    for f in fields(part):
        value = getattr(part, f.name)
        name = f"{prefix}{f.name}"
        if is_dataclass(value):
            leaves.extend(_leaves(value, f"{name}."))
        else:
            leaves.append((name, list(value) if isinstance(value, tuple) else value, str(f.type)))
    return leaves


def _typed_option(name: str, default: Any, annotation: str) -> dict[str, Any]:
    from persona.avatar.creator import palette

    if isinstance(default, bool):
        return {"kind": "flag"}
    if isinstance(default, float):
        return {"kind": "number", "minimum": 0.0, "maximum": 1.0}
    named = {
        "face.skin": palette.SKIN,
        "eyes.colour": palette.EYES,
        "hair.colour": palette.HAIR,
        "brows.colour": palette.HAIR,
        "facial_hair.colour": palette.HAIR,
    }.get(name)
    values = sorted({*(named or {}), *palette.GENERAL}) if named else sorted(palette.GENERAL)
    if named is not None and name in ("face.skin", "eyes.colour"):
        values = list(named)
    if name == "background.colours":
        return {"kind": "colours", "values": values}
    kind = "optional_colour" if "None" in annotation else "colour"
    return {"kind": kind, "values": values}


def preview_spec(template: str, options: Mapping[str, Any]) -> Any:
    """The template's spec with ``options`` applied: dotted paths or nested objects."""
    from persona.avatar.creator.spec import AvatarSpec
    from persona.avatar.creator.templates import get_template

    name = template.removeprefix("template:")
    data = get_template(name).spec.to_dict()
    for key, value in options.items():
        if isinstance(value, Mapping) and "." not in key:
            for inner, inner_value in value.items():
                _set(data, f"{key}.{inner}", inner_value)
        else:
            _set(data, key, value)
    return AvatarSpec.from_dict(data)


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            raise InputError(f"avatar option {path!r}: {part!r} is not a part of the spec")
        node = child
    node[leaf] = value


def avatar_preview_png(template: str, options: Mapping[str, Any], size: int) -> bytes:
    """The avatar at rest, ``size`` pixels square, as PNG (cached by spec digest)."""
    spec = preview_spec(template, options)
    return _avatars.get_or_make((spec.digest(), size), lambda: _draw_png(spec, size))


def _draw_png(spec: Any, size: int) -> bytes:
    import cv2

    from persona.avatar.creator.draw import CreatorAvatar
    from persona.types import FaceState

    image = CreatorAvatar(spec, size, size).render(FaceState.rest()).image
    ok, data = cv2.imencode(".png", image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    if not ok:  # pragma: no cover - OpenCV always encodes a uint8 BGR image
        raise InputError("could not encode the avatar preview")
    return bytes(data)


# ---------------------------------------------------------------------------- voices


def sample_sentence(lang: str) -> str:
    return SAMPLE_SENTENCES.get(lang.split("-")[0].lower(), SAMPLE_SENTENCES["en"])


def voice_preview_wav(voice: Any) -> bytes:
    """``voice`` speaking its language's sample sentence, as 16-bit mono WAV."""
    return _voices.get_or_make(voice.id, lambda: _speak_wav(voice))


def _speak_wav(voice: Any) -> bytes:
    import numpy as np

    from persona.voice.base import get_engine
    from persona.voice.synth import speak

    speech = speak(get_engine(voice.engine), sample_sentence(voice.lang), voice)
    pcm = np.round(np.clip(speech.audio, -1.0, 1.0) * 32767.0).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(speech.sample_rate))
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()
