"""What the ``persona voices`` command shows and does, as plain functions.

    list_command(lang, as_json) → text to print
    preview(voice_id, text, output) → a WAV file of the voice speaking ``text``

They return results and raise :class:`~persona.errors.PersonaError` subclasses; printing
and exit codes belong to the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from persona.errors import OutputPathError
from persona.voice.base import Voice
from persona.voice.catalog import canonical_language, f0_band, get_voice, list_voices

PREVIEW_TEXT = "Hello! This is how I sound. I hope you like my voice."
"""What an English voice says when the preview text is empty."""
_PREVIEW_TEXTS = {"en": PREVIEW_TEXT, "he": "שלום עולם, מה שלומך?"}
_NUMBERS = "1, 2, 3, 4, 5."
"""Other languages count to five: eSpeak NG reads digits in the voice's language."""

_COLUMNS = (("id", 22), ("name", 10), ("lang", 5), ("gender", 8), ("age", 12), ("engine", 7))


def voice_record(voice: Voice) -> dict[str, Any]:
    """Everything a user or a program may want to know about ``voice``, JSON-ready.

    ``f0_band_hz`` is where the median pitch of a voice of that age group and gender
    lies (:data:`~persona.voice.catalog.F0_BANDS`)."""
    transform = voice.transform
    return {
        "id": voice.id,
        "name": voice.name,
        "lang": voice.lang,
        "gender": voice.gender,
        "age_group": voice.age_group,
        "engine": voice.engine,
        "model": voice.model,
        "rate": voice.rate,
        "transform": None
        if transform is None
        else {
            "pitch_ratio": transform.pitch_ratio,
            "formant_ratio": transform.formant_ratio,
            "breathiness": transform.breathiness,
            "pitch_range": transform.pitch_range,
        },
        "f0_band_hz": list(f0_band(voice)),
        "description": voice.description,
    }


def list_command(lang: str | None, as_json: bool) -> str:
    """The voices (of ``lang`` only, when given) as an aligned table or as JSON; the
    saved voices matched to a sample come last, marked (and marked when their consent
    was revoked).

    ``lang`` is matched like everywhere else ("en-US" → "en"); an unsupported one raises
    :class:`~persona.errors.UnknownLanguageError`.
    """
    from persona.voice.match_commands import saved_rows

    code = None if lang is None else canonical_language(lang)
    voices = [v for v in list_voices() if code is None or v.lang == code]
    matched = [(s, ok) for s, ok in saved_rows() if code is None or s.voice.lang == code]
    if as_json:
        records = [{**voice_record(v), "matched": False} for v in voices]
        records += [
            {**voice_record(s.voice), "matched": True, "consent_id": s.consent_id, "usable": ok}
            for s, ok in matched
        ]
        return json.dumps(records, indent=2, ensure_ascii=False)
    header = "".join(f"{title.upper():<{width}}" for title, width in _COLUMNS) + "DESCRIPTION"
    rows = [header, *(_row(v, v.description) for v in voices)]
    for saved, usable in matched:
        mark = "[matched] " if usable else "[matched, consent revoked] "
        rows.append(_row(saved.voice, mark + saved.voice.description))
    return "\n".join(rows)


def _row(v: Voice, description: str) -> str:
    cells = (v.id, v.name, v.lang, v.gender, v.age_group, v.engine)
    widths = (width for _, width in _COLUMNS)
    line = "".join(f"{cell:<{width - 1}} " for cell, width in zip(cells, widths, strict=True))
    return line + description


def preview_text(voice: Voice) -> str:
    """What ``voice`` says in a preview when no text is given."""
    return _PREVIEW_TEXTS.get(voice.lang, _NUMBERS)


def preview(voice_id: str, text: str, output: Path) -> Path:
    """Speak ``text`` (a short default sentence when empty) with the voice ``voice_id``
    into the 16-bit WAV file ``output`` and return its path.

    Raises :class:`~persona.errors.UnknownVoiceError` for an unknown voice and
    :class:`~persona.errors.OutputPathError` for a path that is not a writable ``.wav``
    file; both are checked before any speech is made. The file appears complete or not
    at all.
    """
    from persona.media import write_wav
    from persona.media.output import create_temp_beside, discard, publish
    from persona.script import parse_script
    from persona.voice.synth import synthesize_script

    voice = get_voice(voice_id, None)
    out = _check_wav_path(Path(output))
    script = parse_script(text.strip() or preview_text(voice), lang=voice.lang)
    speech = synthesize_script(script, voice)
    temp = create_temp_beside(out)
    try:
        write_wav(temp, speech.audio, speech.sample_rate)
        publish(temp, out)
    finally:
        discard(temp)
    return out


def _check_wav_path(out: Path) -> Path:
    from persona.media.output import ensure_file_writable

    if out.suffix.lower() != ".wav":
        raise OutputPathError(f"cannot write {out}: a voice preview is a .wav file")
    return ensure_file_writable(out)
