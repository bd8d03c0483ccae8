"""compose_music end to end: exact length, reproducibility, ragas' swaras in the MIDI,
loops that join, endings that ring out to silence, sane levels, bad requests."""

from __future__ import annotations

import math

import mido
import numpy as np
import pytest

from persona.audio.music import Music, MusicRequest, compose_music
from persona.audio.music.compose import check_request
from persona.audio.music.ragas import get_raga
from persona.audio.music.styles import STYLES
from persona.audio.music.types import DRUM_CHANNEL
from persona.errors import InputError

_CACHE: dict[MusicRequest, Music] = {}


def music(style: str, mood: str = "calm", seconds: float = 8.0, **kw: object) -> Music:
    """Render once per request for the whole test module."""
    request = MusicRequest(style, mood, seconds, **kw)  # type: ignore[arg-type]
    if request not in _CACHE:
        _CACHE[request] = compose_music(request)
    return _CACHE[request]


def notes(midi: mido.MidiFile, drums: bool = False) -> list[tuple[float, int, int]]:
    """(time in seconds, channel, pitch) of every note-on."""
    out, now = [], 0.0
    for msg in midi:
        now += msg.time
        if msg.type == "note_on" and msg.velocity > 0 and (drums or msg.channel != DRUM_CHANNEL):
            out.append((now, msg.channel, msg.note))
    return out


def db(x: float) -> float:
    return 20 * math.log10(max(x, 1e-12))


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(x, np.float64) ** 2)))


@pytest.mark.slow
@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_is_exact_in_length_level_and_ending(style: str) -> None:
    m = music(style, "calm", 8.0, seed=1)
    assert m.audio.shape == (8 * 48000, 2) and m.audio.dtype == np.float32
    assert m.sample_rate == 48000 and m.style == style and not m.loop
    peak = float(np.abs(m.audio).max())
    assert db(peak) <= -1.0 + 1e-6
    assert -30.0 < db(rms(m.audio)) < -10.0
    assert -24.0 < m.lufs < -18.5  # calm aims at -20 LUFS
    # the ending: last sample silent, the last 50 ms far below the body, a decay into it
    assert np.all(m.audio[-1] == 0.0)
    tail = m.audio[-2400:]
    assert db(rms(tail)) < db(rms(m.audio)) - 40
    thirds = np.array_split(m.audio[-48000:], 3)
    assert rms(thirds[0]) > rms(thirds[1]) > rms(thirds[2])
    # the MIDI ends with a chord (or note) struck together, holding the tonic
    played = notes(m.midi)
    last = max(t for t, _, _ in played)
    final = {p % 12 for t, _, p in played if abs(t - last) < 0.05}
    assert final and last > 3.0


@pytest.mark.slow
@pytest.mark.parametrize(("seconds", "rate"), [(9.87654, 48000), (5.0, 44100), (2.0, 48000)])
def test_duration_is_exact_to_the_sample(seconds: float, rate: int) -> None:
    m = music("pop", "uplifting", seconds, sample_rate=rate, seed=2)
    assert len(m.audio) == round(seconds * rate)
    assert m.duration_s == pytest.approx(seconds, abs=0.5 / rate)


@pytest.mark.slow
def test_same_seed_same_audio_other_seed_other_music() -> None:
    a = music("bollywood", "uplifting", 8.0, seed=7)
    b = compose_music(MusicRequest("bollywood", "uplifting", 8.0, seed=7))
    assert np.array_equal(a.audio, b.audio)
    c = music("bollywood", "uplifting", 8.0, seed=8)
    assert notes(a.midi) != notes(c.midi)
    assert not np.array_equal(a.audio, c.audio)
    assert rms(a.audio - c.audio) > 0.1 * rms(a.audio)


@pytest.mark.slow
def test_ragas_play_only_their_swaras() -> None:
    for name, distinct in (("yaman", {6}), ("bhairav", {1, 8})):
        m = music(name, "uplifting", 10.0, seed=3, key="D")
        raga = get_raga(name)
        used = {(p - 2) % 12 for _, _, p in notes(m.midi)}  # relative to Sa = D
        assert used <= raga.pitch_classes, (name, sorted(used - raga.pitch_classes))
        assert distinct <= used  # tivra Ma; komal Re and komal Dha are heard
        assert m.mode == name and m.key == "D"
    yaman_used = {
        (p - 2) % 12 for _, _, p in notes(music("yaman", "uplifting", 10.0, seed=3, key="D").midi)
    }
    assert 5 not in yaman_used  # never shuddha Ma in Yaman
    bhairav_used = {
        (p - 2) % 12 for _, _, p in notes(music("bhairav", "uplifting", 10.0, seed=3, key="D").midi)
    }
    assert not {2, 9} & bhairav_used  # never shuddha Re or Dha in Bhairav


@pytest.mark.slow
def test_raga_pieces_carry_tanpura_tabla_and_tala() -> None:
    m = music("yaman", "uplifting", 10.0, seed=3, key="D")
    names = {t.name for t in m.midi.tracks}
    assert {"melody", "tanpura", "tabla"} <= names
    texts = [msg.text for msg in m.midi.tracks[0] if msg.type == "text"]
    assert any(t.startswith("tala ") for t in texts)
    tanpura = next(t for t in m.midi.tracks if t.name == "tanpura")
    pcs = {(msg.note - 2) % 12 for msg in tanpura if msg.type == "note_on"}
    assert pcs == {0, 7}  # Sa and Pa
    drums = [p for _, ch, p in notes(m.midi, drums=True) if ch == DRUM_CHANNEL]
    assert len(drums) > 20


def _seam_jump(audio: np.ndarray) -> float:
    """How much bigger the step across the seam is than the loudest steps inside."""
    inside = np.abs(np.diff(audio, axis=0)).max(axis=1)
    seam = float(np.abs(audio[0] - audio[-1]).max())
    return seam / float(np.percentile(inside, 99.9))


@pytest.mark.slow
@pytest.mark.parametrize("style", ["electronic", "kafi", "ambient"])
def test_a_loop_joins_its_end_to_its_start(style: str) -> None:
    m = music(style, "calm", 8.0, seed=4, loop=True)
    a = m.audio
    assert len(a) == 8 * 48000 and m.loop
    assert np.abs(a[-1]).max() > 1e-4  # no fade to silence at a loop's end
    assert _seam_jump(a) < 1.0
    frames = [db(rms(f)) for f in np.array_split(a, len(a) // 4800)]  # 100 ms frames
    typical = float(np.median(frames))
    assert frames[-1] > typical - 12.0 and frames[0] > typical - 12.0  # no hole at the seam
    # the same test catches a butt splice
    clicked = a.copy()
    clicked[: len(a) // 2] += 0.25
    assert _seam_jump(np.roll(clicked, -len(a) // 2, axis=0)) > 1.0


@pytest.mark.slow
def test_a_loops_tempo_fills_its_length_exactly() -> None:
    m = music("pop", "uplifting", 8.0, tempo=100.0, seed=4, loop=True)
    beats = m.bpm * 8.0 / 60.0
    assert abs(beats - round(beats)) < 1e-6
    assert abs(m.bpm / 100.0 - 1) <= 0.03


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"style": "polka"}, "yaman, bhairav"),
        ({"mood": "happy"}, "calm, uplifting, tense, sad"),
        ({"key": "H"}, "C, C#/Db"),
        ({"key": " "}, "empty key"),
        ({"duration_s": -5.0}, "2 to 900"),
        ({"duration_s": 16 * 60.0}, "15 minutes"),
        ({"duration_s": math.inf}, "2 to 900"),
        ({"tempo": 20.0}, "30 to 300 BPM"),
        ({"tempo": 301.0}, "30 to 300 BPM"),
        ({"tempo": math.nan}, "30 to 300"),
        ({"sample_rate": 8000}, "44100, 48000"),
    ],
)
def test_bad_requests_name_the_valid_choices(fields: dict, message: str) -> None:  # type: ignore[type-arg]
    request = MusicRequest(**{"style": "pop", **fields})
    with pytest.raises(InputError, match=message):
        check_request(request)
    with pytest.raises(InputError):
        compose_music(request)


def test_style_names_are_forgiving_and_the_tempo_follows_the_mood() -> None:
    style, brief = check_request(MusicRequest("Raga Yaman", "SAD", 20.0, seed=5))
    assert style.name == "yaman" and brief.mood.name == "sad"
    low, high = style.tempo["sad"]
    assert low <= brief.bpm <= high and brief.tempo_free
    _, fixed = check_request(MusicRequest("jazz", tempo=140.0))
    assert fixed.bpm == 140.0 and not fixed.tempo_free
    _, minor = check_request(MusicRequest("pop", "uplifting", key="Am"))
    assert minor.minor and minor.tonic == 9


def test_kirtan_speeds_up_unless_it_loops() -> None:
    style, brief = check_request(MusicRequest("kirtan", "uplifting", 40.0, tempo=100.0))
    tempos = [bpm for _, bpm in style.arrange(brief).score.tempo]
    assert tempos[0] == 100.0 and tempos[-1] > 115.0 and tempos == sorted(tempos)
    looped = check_request(MusicRequest("kirtan", "uplifting", 40.0, tempo=100.0, loop=True))[1]
    assert len(style.arrange(looped).score.tempo) == 1


def test_the_score_fits_the_duration_before_rendering() -> None:
    for name in STYLES:
        style, brief = check_request(MusicRequest(name, "tense", 13.0, seed=2))
        score = style.arrange(brief).score
        final = score.seconds(score.end)
        assert 0.0 <= final <= 13.0 - 3.0 + 1e-9, name  # the ring-out gets at least 3 s
        assert all(n.start >= 0 for p in score.parts for n in p.notes)
