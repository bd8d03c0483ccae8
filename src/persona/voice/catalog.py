"""The voices a user can choose, and which one speaks a language by default.

* ``joe``: Piper ``en_US-joe-medium``, a natural US English male voice (the English
  default);
* 34 English voices across ages and genders (``baby_girl_1`` … ``mature_male_2``, see
  :data:`VOICE_SPECS`), each the ``joe`` voice spoken at its own rate and transformed
  with the WORLD vocoder (:class:`~persona.voice.transform.VoiceTransform`): pitch,
  formants (vocal-tract length), breath. They are transformed adult voices, not
  recordings of children or women; ``docs/voices.md`` has the table and the sources;
* ``espeak-<lang>``: one eSpeak NG voice per language in
  :data:`persona.voice.espeak.LANGUAGES` (the default for every language but English);
* voices matched to a person's sample and saved (:mod:`persona.voice.store`), found by
  :func:`get_voice` but not part of :func:`list_voices`.

A voice speaks one language. Asking for a voice together with a different language is
an error (the script would be normalized for one language and read in another); leave
the language out (``lang=None``) to take the voice's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from persona.errors import UnknownLanguageError, UnknownVoiceError
from persona.voice.base import Voice
from persona.voice.espeak import LANGUAGES
from persona.voice.store import usable_voice
from persona.voice.transform import VoiceTransform

_ALIASES = {
    "cmn": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "iw": "he",
    "in": "id",
}
_DEFAULT_VOICES = {"en": "joe"}

BASE_MODEL = "en_US-joe-medium"
BASE_F0_HZ = 89.0
"""Median F0 of the Piper ``joe`` voice, measured with :func:`persona.voice.pitch.median_f0`
over the sentences of ``benchmarks/engine.py`` (single sentences: 82–97 Hz). A voice's pitch
ratio is its target median F0 divided by this."""

F0_BANDS: dict[tuple[str, str], tuple[float, float]] = {
    # (age group, gender): (low, high) median F0 in Hz; sources in docs/voices.md
    ("baby", "male"): (300.0, 500.0),
    ("baby", "female"): (300.0, 500.0),
    ("toddler", "male"): (300.0, 500.0),
    ("toddler", "female"): (300.0, 500.0),
    ("child", "male"): (220.0, 400.0),
    ("child", "female"): (220.0, 400.0),
    ("preteen", "male"): (190.0, 300.0),
    ("preteen", "female"): (200.0, 310.0),
    ("teen", "male"): (110.0, 220.0),
    ("teen", "female"): (175.0, 270.0),
    ("young_adult", "male"): (85.0, 155.0),
    ("young_adult", "female"): (165.0, 255.0),
    ("adult", "male"): (85.0, 155.0),
    ("adult", "female"): (165.0, 255.0),
    ("mature", "male"): (80.0, 150.0),
    ("mature", "female"): (150.0, 230.0),
}
"""Where the median F0 of a voice of each age group and gender lies."""

AGE_SPANS = {
    "baby": "about 1-2 years",
    "toddler": "about 2-4 years",
    "child": "about 5-9 years",
    "preteen": "about 10-12 years",
    "teen": "about 13-17 years",
    "young_adult": "about 18-29 years",
    "adult": "about 30-49 years",
    "mature": "50 years and over",
}


@dataclass(frozen=True)
class VoiceSpec:
    """How one catalog voice is made from the ``joe`` voice.

    ``f0_hz`` is the median pitch aimed at; ``formant_ratio``, ``breathiness`` and
    ``pitch_range`` go to the :class:`~persona.voice.transform.VoiceTransform`; ``rate``
    multiplies the speaking rate (Piper's ``length_scale`` divides by it).
    """

    id: str
    name: str
    gender: str
    age_group: str
    f0_hz: float
    formant_ratio: float
    rate: float = 1.0
    breathiness: float = 0.0
    pitch_range: float = 1.0

    def transform(self) -> VoiceTransform:
        return VoiceTransform(
            pitch_ratio=round(self.f0_hz / BASE_F0_HZ, 4),
            formant_ratio=self.formant_ratio,
            breathiness=self.breathiness,
            pitch_range=self.pitch_range,
        )


_M, _F = "male", "female"
VOICE_SPECS: tuple[VoiceSpec, ...] = (
    # id, name, gender, age group, F0 Hz, formant ratio, rate, breathiness, pitch range
    VoiceSpec("baby_boy_1", "Milo", _M, "baby", 385, 1.38, 0.85, 0.08, 1.3),
    VoiceSpec("baby_boy_2", "Theo", _M, "baby", 420, 1.44, 0.85, 0.04, 1.2),
    VoiceSpec("baby_girl_1", "Ivy", _F, "baby", 400, 1.42, 0.85, 0.08, 1.3),
    VoiceSpec("baby_girl_2", "Lily", _F, "baby", 430, 1.36, 0.85, 0.12, 1.35),
    VoiceSpec("toddler_boy_1", "Finn", _M, "toddler", 340, 1.32, 0.9, 0.04, 1.25),
    VoiceSpec("toddler_boy_2", "Leo", _M, "toddler", 370, 1.37, 0.85, 0.0, 1.2),
    VoiceSpec("toddler_girl_1", "Mia", _F, "toddler", 355, 1.36, 0.9, 0.06, 1.25),
    VoiceSpec("toddler_girl_2", "Zoe", _F, "toddler", 390, 1.31, 0.85, 0.1, 1.3),
    VoiceSpec("child_boy_1", "Sam", _M, "child", 265, 1.24, 0.9, 0.0, 1.2),
    VoiceSpec("child_boy_2", "Max", _M, "child", 300, 1.29, 0.95, 0.03, 1.15),
    VoiceSpec("child_girl_1", "Emma", _F, "child", 285, 1.27, 0.95, 0.05, 1.2),
    VoiceSpec("child_girl_2", "Ruby", _F, "child", 325, 1.31, 0.9, 0.08, 1.25),
    VoiceSpec("preteen_boy_1", "Noah", _M, "preteen", 225, 1.16, 0.95, 0.0, 1.1),
    VoiceSpec("preteen_boy_2", "Ethan", _M, "preteen", 250, 1.21, 1.0, 0.03, 1.1),
    VoiceSpec("preteen_girl_1", "Chloe", _F, "preteen", 240, 1.19, 1.0, 0.05, 1.15),
    VoiceSpec("preteen_girl_2", "Ava", _F, "preteen", 270, 1.24, 0.95, 0.08, 1.1),
    VoiceSpec("teen_boy_1", "Jake", _M, "teen", 140, 1.05, 1.05, 0.0, 1.0),
    VoiceSpec("teen_boy_2", "Tyler", _M, "teen", 170, 1.10, 1.0, 0.03, 1.05),
    VoiceSpec("teen_girl_1", "Maya", _F, "teen", 210, 1.16, 1.05, 0.06, 1.1),
    VoiceSpec("teen_girl_2", "Hannah", _F, "teen", 235, 1.20, 1.0, 0.1, 1.15),
    VoiceSpec("young_adult_male_1", "Ryan", _M, "young_adult", 110, 1.00, 1.05, 0.0, 1.0),
    VoiceSpec("young_adult_male_2", "Kevin", _M, "young_adult", 125, 1.05, 1.0, 0.04, 1.05),
    VoiceSpec("young_adult_female_1", "Sofia", _F, "young_adult", 200, 1.16, 1.05, 0.06, 1.1),
    VoiceSpec("young_adult_female_2", "Jess", _F, "young_adult", 215, 1.19, 1.0, 0.1, 1.05),
    VoiceSpec("adult_male_1", "David", _M, "adult", 98, 1.00, 1.0, 0.0, 1.0),
    VoiceSpec("adult_male_2", "Marcus", _M, "adult", 114, 0.94, 0.95, 0.02, 0.95),
    VoiceSpec("adult_male_3", "Alan", _M, "adult", 130, 1.05, 1.0, 0.05, 1.05),
    VoiceSpec("adult_female_1", "Sarah", _F, "adult", 185, 1.12, 1.0, 0.05, 1.05),
    VoiceSpec("adult_female_2", "Laura", _F, "adult", 205, 1.16, 0.95, 0.08, 1.1),
    VoiceSpec("adult_female_3", "Nina", _F, "adult", 220, 1.19, 1.0, 0.1, 1.0),
    VoiceSpec("mature_male_1", "Walter", _M, "mature", 100, 0.97, 0.9, 0.15, 0.85),
    VoiceSpec("mature_male_2", "Frank", _M, "mature", 122, 1.00, 0.85, 0.25, 0.9),
    VoiceSpec("mature_female_1", "Margaret", _F, "mature", 178, 1.10, 0.9, 0.15, 0.9),
    VoiceSpec("mature_female_2", "Helen", _F, "mature", 198, 1.13, 0.85, 0.25, 0.85),
)
"""The catalog's voices made from ``joe``, youngest first."""


def _describe(spec: VoiceSpec) -> str:
    young = spec.age_group in ("baby", "toddler", "child", "preteen", "teen")
    who = {"male": "boy" if young else "man", "female": "girl" if young else "woman"}
    return (
        f"US English {who[spec.gender]}, {spec.age_group.replace('_', ' ')} "
        f"({AGE_SPANS[spec.age_group]}), about {spec.f0_hz:.0f} Hz: the Piper joe voice "
        f"(adult male) transformed with WORLD, pitch x{spec.f0_hz / BASE_F0_HZ:.2f}, "
        f"formants x{spec.formant_ratio:.2f}, rate x{spec.rate:.2f}"
    )


def _transformed(spec: VoiceSpec) -> Voice:
    return Voice(
        id=spec.id,
        name=spec.name,
        engine="piper",
        lang="en",
        gender=spec.gender,
        description=_describe(spec),
        model=BASE_MODEL,
        age_group=spec.age_group,
        transform=spec.transform(),
        rate=spec.rate,
    )


ANY_F0_BAND = (50.0, 800.0)
"""The band of a voice whose age group and gender have none in :data:`F0_BANDS`."""


def f0_band(voice: Voice) -> tuple[float, float]:
    """(low, high) Hz where ``voice``'s median F0 belongs, from its age group and gender."""
    return F0_BANDS.get((voice.age_group, voice.gender), ANY_F0_BAND)


@cache
def list_voices() -> tuple[Voice, ...]:
    """Every voice: ``joe``, the voices made from it (youngest first), then eSpeak NG
    by language code."""
    joe = Voice(
        id="joe",
        name="Joe",
        engine="piper",
        lang="en",
        gender="male",
        description="US English, natural neural voice (Piper en_US-joe-medium)",
        model=BASE_MODEL,
    )
    made = tuple(_transformed(spec) for spec in VOICE_SPECS)
    robotic = tuple(
        Voice(
            id=f"espeak-{code}",
            name=f"eSpeak {english}",
            engine="espeak",
            lang=code,
            gender="male",
            description=f"{english}, clear but robotic formant voice (eSpeak NG)",
            model=espeak_name,
        )
        for code, (espeak_name, english) in sorted(LANGUAGES.items())
    )
    return (joe, *made, *robotic)


def supported_languages() -> tuple[str, ...]:
    """Language codes some voice speaks, sorted."""
    return tuple(sorted({v.lang for v in list_voices()}))


def canonical_language(lang: str) -> str:
    """The catalog's code for ``lang`` ("en-US" → "en", "zh-CN" → "zh").

    Raises :class:`~persona.errors.UnknownLanguageError` listing the supported codes.
    """
    code = lang.strip().lower().replace("_", "-")
    code = _ALIASES.get(code, code)
    supported = supported_languages()
    if code in supported:
        return code
    primary = _ALIASES.get(code.split("-")[0], code.split("-")[0])
    if primary in supported:
        return primary
    raise UnknownLanguageError(
        f"unknown language {lang!r}: supported languages are {', '.join(supported)}"
    )


def voices_for(lang: str) -> tuple[Voice, ...]:
    """The voices that speak ``lang``, default first."""
    code = canonical_language(lang)
    default = default_voice(code)
    return (default, *(v for v in list_voices() if v.lang == code and v != default))


def default_voice(lang: str) -> Voice:
    """The voice that speaks ``lang`` when none is chosen."""
    code = canonical_language(lang)
    return _by_id()[_DEFAULT_VOICES.get(code, f"espeak-{code}")]


@cache
def _by_id() -> dict[str, Voice]:
    return {v.id: v for v in list_voices()}


def get_voice(voice_id: str | None, lang: str | None = "en") -> Voice:
    """The voice to speak with.

    ``voice_id`` None takes the default voice of ``lang`` (English when ``lang`` is
    None too). A named voice must speak
    ``lang`` (compared by language code, so "en-US" matches "en"); pass ``lang=None`` to
    accept the voice's own language. Voices matched to a sample
    (:mod:`persona.voice.store`) are found too, while their consent holds. Raises
    :class:`~persona.errors.UnknownVoiceError` for an unknown id or a language mismatch,
    :class:`~persona.errors.UnknownLanguageError` for an unsupported language and
    :class:`~persona.errors.ConsentError` for a matched voice whose consent was revoked.
    """
    if voice_id is None:
        return default_voice("en" if lang is None else lang)
    wanted = voice_id.strip().lower()
    voice = _by_id().get(wanted) or usable_voice(wanted)
    if voice is None:
        raise UnknownVoiceError(
            f"unknown voice {voice_id!r}: run `persona voices` to list them "
            f"(for example joe, child_girl_1, espeak-hi)"
        )
    if lang is not None:
        code = canonical_language(lang)
        if code != voice.lang:
            suggestion = default_voice(code).id
            raise UnknownVoiceError(
                f"voice {voice.id!r} speaks {voice.lang}, not {code}: "
                f"use a voice for '{code}' such as {suggestion!r}, or give no voice"
            )
    return voice
