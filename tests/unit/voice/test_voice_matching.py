"""Voice matching: consent first, checked samples, saved voices, and matches that land
near speakers whose truth is known (``joe`` transformed, an eSpeak NG female variant)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from persona.cli import main
from persona.consent import ConsentRecord, create_consent, revoke_consent
from persona.errors import (
    AudioError,
    ConsentError,
    InputError,
    SampleError,
    UnknownVoiceError,
)
from persona.media.audio import resample, write_wav
from persona.script import parse_script
from persona.voice import Voice, VoiceTransform, get_voice, list_voices, synthesize_script
from persona.voice.analysis import formant_scale, grid_hz
from persona.voice.matching import (
    MatchResult,
    VoiceSample,
    get_matcher,
    load_sample,
    match_voice,
    matcher_names,
    register_matcher,
    unregister_matcher,
)
from persona.voice.pitch import median_f0
from persona.voice.store import SavedVoice, delete_saved, find_saved, list_saved, save_voice

RATE = 22050
SAMPLE_TEXT = (
    "Four hours of steady work faced us. A large size in stockings is hard to sell. "
    "The boy was there when the sun rose. A rod is used to catch pink salmon. "
    "The source of the huge river is the clear spring. Kick the ball straight."
)
NEW_TEXT = "Smoky fires lack flame and heat. The soft cushion broke the man's fall."
TRUE_FORMANT = 1.15


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def consent(kind: str = "voice") -> ConsentRecord:
    return create_consent(kind, "Test Speaker", "I agree to my voice being matched.", "tests")


def speech_like(seconds: float, rate: int = RATE) -> np.ndarray:
    """A voiced-sounding buzz (120 Hz pulses through two resonances) with syllable-like
    loudness swings."""
    from scipy.signal import lfilter

    n = round(seconds * rate)
    pulses = np.zeros(n)
    pulses[np.arange(0, n, rate / 120).astype(int)] = 1.0
    for formant in (600.0, 1500.0):
        r, angle = np.exp(-np.pi * 100 / rate), 2 * np.pi * formant / rate
        pulses = lfilter([1 - r], [1, -2 * r * np.cos(angle), r * r], pulses)
    swing = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * np.arange(n) / rate)
    return (0.3 * pulses * swing / np.max(np.abs(pulses))).astype(np.float32)


def write_ogg(path: Path, audio: np.ndarray, rate: int) -> None:
    """Mono Opus in Ogg at 48 kHz, the way a phone app might upload it."""
    audio48 = resample(audio, rate, 48000)
    with av.open(str(path), "w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        frame = av.AudioFrame.from_ndarray(audio48[None, :], format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = 48000, 0, Fraction(1, 48000)
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))


# ------------------------------------------------------------------ fast: no speech engine


def test_voices_and_transforms_round_trip_through_json() -> None:
    for voice in list_voices():
        assert Voice.from_dict(json.loads(json.dumps(voice.to_dict()))) == voice
    assert VoiceTransform.from_dict({"pitch_ratio": 2}) == VoiceTransform(pitch_ratio=2.0)
    with pytest.raises(InputError, match="must be numbers"):
        VoiceTransform.from_dict({"pitch_ratio": "high"})
    with pytest.raises(InputError, match="formant_ratio must be in"):
        VoiceTransform.from_dict({"formant_ratio": 9})
    with pytest.raises(InputError, match="not a voice: model"):
        Voice.from_dict({k: v for k, v in get_voice("joe").to_dict().items() if k != "model"})


def test_formant_scale_recovers_a_known_stretch() -> None:
    grid = grid_hz()
    rng = np.random.default_rng(3)
    peaks = ((500, 12), (1500, 9), (2500, 7), (3500, 5))
    base = sum(h * np.exp(-0.5 * ((grid - f) / 120) ** 2) for f, h in peaks)
    base = base + rng.normal(0, 0.3, len(grid)) - 6 * np.log2(grid / 100)  # noise and tilt
    for truth in (0.9, 1.0, 1.17, 1.35):
        stretched = np.interp(grid / truth, grid, base) + 4 * np.log2(grid / 100)  # new tilt
        scale, fit = formant_scale(stretched, base)
        assert scale == pytest.approx(truth, rel=0.01)
        assert fit > 0.9


def test_samples_are_checked(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="not found"):
        load_sample(tmp_path / "nobody.wav")
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"ID3 not really audio" * 100)
    with pytest.raises(AudioError, match="not a supported audio file"):
        load_sample(junk)
    cases = {
        "short.wav": (speech_like(6.0), RATE, "too short"),
        "long.wav": (speech_like(61.0, 16000), 16000, "too long"),
        "silent.wav": (np.zeros(12 * RATE, np.float32), RATE, "is silent"),
        "phone.wav": (speech_like(12.0, 8000), 8000, "8000 Hz"),
    }
    for name, (audio, rate, message) in cases.items():
        write_wav(tmp_path / name, audio, rate)
        with pytest.raises(SampleError, match=message):
            load_sample(tmp_path / name)
    write_wav(tmp_path / "ok.wav", speech_like(12.0, 44100), 44100)
    sample = load_sample(tmp_path / "ok.wav")
    assert sample.sample_rate == RATE and sample.duration_s == pytest.approx(12.0, abs=0.01)
    assert len(sample.sha256) == 64 and sample.file == "ok.wav"


def test_noise_has_too_little_voiced_speech(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, 12 * RATE).astype(np.float32)
    write_wav(tmp_path / "hiss.wav", noise, RATE)
    with pytest.raises(SampleError, match="too little voiced speech"):
        match_voice(tmp_path / "hiss.wav", "Hiss", consent())


def test_no_match_without_a_holding_voice_consent(tmp_path: Path) -> None:
    write_wav(tmp_path / "s.wav", speech_like(12.0), RATE)
    revoked = revoke_consent(consent().id)
    with pytest.raises(ConsentError, match="revoked"):
        match_voice(tmp_path / "s.wav", "Anna", revoked)
    with pytest.raises(ConsentError, match="'avatar' use"):
        match_voice(tmp_path / "s.wav", "Anna", consent("avatar"))


@pytest.mark.parametrize(
    ("missing", "message"),
    [("--subject", "needs a subject"), ("--statement", "needs a statement")],
)
def test_cli_refuses_a_match_without_consent_fields(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str], missing: str, message: str
) -> None:
    write_wav(tmp_path / "s.wav", speech_like(12.0), RATE)
    argv = ["voices", "match", str(tmp_path / "s.wav"), "--name", "Anna"]
    fields = {"--subject": "Anna", "--statement": "I agree.", "--purpose": "tests"}
    for flag, value in fields.items():
        if flag != missing:
            argv += [flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and message in err[0]
    assert not data_dir.exists()  # no consent saved, no voice saved


def saved_voice(record: ConsentRecord, voice_id: str = "anna-0001") -> SavedVoice:
    transform = VoiceTransform(pitch_ratio=1.8, formant_ratio=1.15, pitch_range=1.1)
    voice = Voice(voice_id, "Anna", "piper", "en", "unknown", "matched", "en_US-joe-medium")
    return SavedVoice(
        voice=Voice.from_dict({**voice.to_dict(), "transform": transform.to_dict()}),
        consent_id=record.id,
        matcher="world",
        base_voice="joe",
        created_at="2025-01-01T00:00:00Z",
        sample={"file": "a.wav", "sha256": "0" * 64, "duration_s": 12.0, "sample_rate": RATE},
        figures={"sample_f0_median_hz": 160.0, "formant_scale": 1.15},
    )


def test_saved_voices_round_trip_and_follow_their_consent(data_dir: Path) -> None:
    record = consent()
    saved = saved_voice(record)
    path = save_voice(saved)
    assert path == data_dir / "voices" / "anna-0001.json"
    assert [p.name for p in path.parent.iterdir()] == ["anna-0001.json"]  # no temp left
    assert find_saved("anna-0001") == saved and list_saved() == (saved,)
    assert get_voice("Anna-0001") == saved.voice  # ids are matched case-insensitively
    with pytest.raises(UnknownVoiceError, match="speaks en, not hi"):
        get_voice("anna-0001", "hi")
    revoke_consent(record.id)
    with pytest.raises(ConsentError, match="revoked"):
        get_voice("anna-0001")
    assert find_saved("anna-0001") == saved  # the record stays, for accounting


def test_listing_marks_matched_and_revoked_voices(capsys: pytest.CaptureFixture[str]) -> None:
    record = consent()
    save_voice(saved_voice(record))
    assert main(["voices", "list"]) == 0
    row = capsys.readouterr().out.splitlines()[-1]
    assert row.startswith("anna-0001") and "[matched]" in row
    revoke_consent(record.id)
    assert main(["voices", "list", "--json"]) == 0
    last = json.loads(capsys.readouterr().out)[-1]
    assert last["matched"] is True and last["usable"] is False
    assert last["transform"]["formant_ratio"] == 1.15


def test_delete_and_unknown_or_damaged_voices(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = consent()
    save_voice(saved_voice(record))
    assert main(["voices", "delete", "anna-0001"]) == 0
    assert "deleted voice anna-0001" in capsys.readouterr().out
    assert find_saved("anna-0001") is None
    with pytest.raises(UnknownVoiceError):
        delete_saved("anna-0001")
    assert main(["voices", "delete", "joe"]) == 2  # a catalog voice is not a saved one
    (data_dir / "voices" / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(InputError, match="unreadable"):
        get_voice("broken")
    assert list_saved() == ()  # the listing skips what it cannot read
    with pytest.raises(UnknownVoiceError):
        get_voice("../consent/x")


class ConstantMatcher:
    """A stand-in for a neural engine: the base voice, unchanged."""

    name = "constant"

    def match(self, sample: VoiceSample, base: Voice) -> MatchResult:
        return MatchResult(base.engine, base.model, None, 1.0, {"seconds": sample.duration_s})


def test_matchers_plug_in_by_name() -> None:
    assert "world" in matcher_names()
    assert get_matcher("world").name == "world"
    register_matcher("constant", ConstantMatcher)
    try:
        assert "constant" in matcher_names()
        assert isinstance(get_matcher("constant"), ConstantMatcher)
    finally:
        unregister_matcher("constant")
    with pytest.raises(Exception, match="no voice matcher called 'constant'"):
        get_matcher("constant")


# ------------------------------------------------------------------ slow: real speakers


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Two speakers of known make: ``joe`` with pitch x1.7 and formants x1.15 (WAV), and
    eSpeak NG's female variant ``en-us+f3`` (Ogg Opus)."""
    folder = tmp_path_factory.mktemp("samples")
    joe = synthesize_script(parse_script(SAMPLE_TEXT), get_voice("joe"))
    woman = VoiceTransform(pitch_ratio=1.7, formant_ratio=TRUE_FORMANT).apply(joe)
    write_wav(folder / "woman.wav", woman.audio, woman.sample_rate)
    espeak = Voice("f3", "F3", "espeak", "en", "female", "", "en-us+f3")
    female = synthesize_script(parse_script(SAMPLE_TEXT), espeak)
    write_ogg(folder / "espeak.ogg", female.audio, female.sample_rate)
    yield {"woman": folder / "woman.wav", "espeak": folder / "espeak.ogg"}


def f0_on_new_text(voice: Voice) -> tuple[float, float]:
    """(median F0, duration ms) of ``voice`` saying :data:`NEW_TEXT`; checks timings."""
    speech = synthesize_script(parse_script(NEW_TEXT), voice)
    total = round(len(speech.audio) * 1000 / speech.sample_rate)
    assert speech.phones[0].start_ms == 0 and speech.phones[-1].end_ms == total
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(speech.phones))
    assert all(0 <= w.start_ms < w.end_ms <= total for w in speech.words)
    return median_f0(speech.audio, speech.sample_rate), total


@pytest.mark.slow
def test_a_transformed_joe_is_matched_in_pitch_and_formants(samples: dict[str, Path]) -> None:
    saved = match_voice(samples["woman"], "Woman", consent())
    save_voice(saved)
    f = saved.figures
    assert f["formant_scale"] == pytest.approx(TRUE_FORMANT, abs=0.03)
    assert saved.voice.transform is not None
    assert saved.voice.transform.pitch_ratio == pytest.approx(1.7, rel=0.1)
    assert saved.voice.rate == 1.0  # pace is matched only when asked
    sample_f0 = f["sample_f0_median_hz"]
    joe_f0, _ = f0_on_new_text(get_voice("joe"))
    matched_f0, _ = f0_on_new_text(get_voice(saved.id))
    assert abs(matched_f0 - sample_f0) <= 0.5 * abs(joe_f0 - sample_f0)
    assert abs(f["matched_f0_median_hz"] - sample_f0) < 0.1 * sample_f0
    assert get_voice(saved.id) == saved.voice and find_saved(saved.id) == saved


@pytest.mark.slow
def test_an_espeak_woman_is_matched_through_the_cli(
    samples: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["voices", "match", str(samples["espeak"]), "--name", "Eve", "--json"]
    argv += ["--subject", "eSpeak F3", "--statement", "I agree.", "--purpose", "tests"]
    assert main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    f = record["figures"]
    assert record["sample"]["file"] == "espeak.ogg"
    assert f["formant_scale"] > 1.08  # a woman's formants lie higher than joe's
    assert record["voice"]["transform"]["pitch_ratio"] > 1.8
    sample_f0 = f["sample_f0_median_hz"]
    assert abs(f["matched_f0_median_hz"] - sample_f0) <= 0.5 * abs(
        f["base_f0_median_hz"] - sample_f0
    )
    assert main(["consent", "revoke", record["consent_id"]]) == 0
    assert f"voices disabled: {record['id']}" in capsys.readouterr().out
    with pytest.raises(ConsentError, match="revoked"):
        get_voice(record["id"])
