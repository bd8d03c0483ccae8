"""Burned-in captions: where pixels change, dirty rectangles, highlight, scripts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.compose.caption_burn import CaptionBurner, CaptionOverlay
from persona.compose.caption_draw import covers
from persona.compose.caption_style import DEFAULT_FONT, CaptionStyle, parse_style
from persona.compose.captions import CaptionWord, Cue, segment_captions
from persona.errors import InputError
from persona.types import Frame, Rect

FPS = 25
W, H = 640, 360


def words(text: str, start: int = 0, step: int = 400) -> list[CaptionWord]:
    return [
        CaptionWord(w, start + k * step, start + k * step + step - 40)
        for k, w in enumerate(text.split())
    ]


@pytest.fixture
def cues() -> tuple[Cue, ...]:
    # one cue from 0 ms to about 1.6 s, then silence, then a second from 4 s
    return segment_captions(words("Hello there, friend.") + words("Bye now.", 4000))


def background() -> np.ndarray:
    """A mid-grey frame with a gentle gradient (never pure black or white)."""
    ramp = np.linspace(90, 150, W, dtype=np.float32)
    return np.repeat(np.repeat(ramp[None, :, None], H, 0), 3, 2).astype(np.uint8)


def frame_at(ms: int) -> int:
    return ms * FPS // 1000


def changed(image: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Rows and columns where ``image`` differs from ``base``: a boolean mask."""
    return np.any(image != base, axis=2)


def test_caption_pixels_appear_in_the_lower_part(cues: tuple[Cue, ...]) -> None:
    base = background()
    burner = CaptionBurner(cues, FPS)
    out = burner.apply(Frame(base.copy()), frame_at(500))
    mask = changed(out.image, base)
    rows = np.nonzero(mask.any(axis=1))[0]
    assert mask.sum() > 500
    assert rows.min() > H * 0.6 and rows.max() < H * 0.97  # inside the bottom margin
    cols = np.nonzero(mask.any(axis=0))[0]
    assert abs((cols.min() + cols.max()) / 2 - W / 2) < W * 0.05  # centred
    white = np.all(out.image > 240, axis=2).sum()
    dark = np.all(out.image < 40, axis=2).sum()
    assert white > 100 and dark > 100  # white text, black outline
    assert np.array_equal(base, background())  # the input frame is never written to


def test_top_position_and_box() -> None:
    cue = segment_captions(words("Top of the frame"))
    base = background()
    style = CaptionStyle(position="top", box=True, box_colour="#000000", box_opacity=0.8)
    out = CaptionBurner(cue, FPS, style).apply(Frame(base.copy()), 5)
    rows = np.nonzero(changed(out.image, base).any(axis=1))[0]
    assert rows.max() < H * 0.4 and rows.min() > H * 0.03
    assert np.all(out.image < 40, axis=2).sum() > 1000  # the translucent dark box


def test_nothing_drawn_when_no_cue_is_active(cues: tuple[Cue, ...]) -> None:
    base = background()
    burner = CaptionBurner(cues, FPS)
    silent = frame_at(cues[0].end_ms + 200)
    assert burner.pictures is None  # nothing drawn before the first frame
    out = burner.apply(Frame(base.copy()), silent)
    assert burner.pictures is not None and burner.pictures.key(silent) is None
    assert np.array_equal(out.image, base)
    assert out.dirty is None  # the first frame the burner sees is whole


def test_dirty_rect_covers_caption_changes_only(cues: tuple[Cue, ...]) -> None:
    base = background()
    burner = CaptionBurner(cues, FPS)
    head = Rect(200, 40, 120, 120)
    burner.apply(Frame(base.copy(), dirty=None), 0)  # first frame: whole
    same = burner.apply(Frame(base.copy(), dirty=head), 1)
    assert same.dirty == head  # caption unchanged and not under the renderer's change
    gone_index = frame_at(cues[0].end_ms + 100)
    gone = burner.apply(Frame(base.copy(), dirty=head), gone_index)
    assert np.array_equal(gone.image, base)
    d = gone.dirty
    assert d is not None and d.y + d.h > H * 0.7  # the old caption's box was added
    assert d.x <= head.x and d.y <= head.y


def test_renderer_changes_under_the_caption_are_redrawn(cues: tuple[Cue, ...]) -> None:
    base = background()
    burner = CaptionBurner(cues, FPS)
    first = burner.apply(Frame(base.copy()), 2).image.copy()
    # the renderer repaints a strip across the caption with a new colour
    repainted = base.copy()
    strip = Rect(0, int(H * 0.75), W, 40)
    repainted[strip.y : strip.y + strip.h] = (20, 160, 20)
    out = burner.apply(Frame(repainted, dirty=strip), 3)
    expected = CaptionBurner(cues, FPS).apply(Frame(repainted.copy()), 3).image
    assert np.array_equal(out.image, expected)  # as if drawn on the new picture at once
    assert not np.array_equal(out.image, first)
    d = out.dirty
    assert d is not None and d.y <= strip.y and d.y + d.h >= strip.y + strip.h


def test_highlight_moves_with_the_current_word() -> None:
    cue = segment_captions(words("alpha beta gamma delta"))
    style = CaptionStyle(highlight="#00ff00", colour="#ffffff", shadow=0.0)
    burner = CaptionBurner(cue, FPS, style)
    base = background()

    def green_columns(ms: int) -> np.ndarray:
        image = burner.apply(Frame(base.copy()), frame_at(ms)).image.astype(int)
        green = (image[..., 1] > 200) & (image[..., 0] < 80) & (image[..., 2] < 80)
        return np.nonzero(green.any(axis=0))[0]

    centres = [green_columns(ms).mean() for ms in (100, 500, 900, 1300)]
    assert all(len(green_columns(ms)) > 5 for ms in (100, 1300))
    assert centres == sorted(centres)  # left to right, word by word
    assert centres[-1] - centres[0] > W * 0.2


def test_pictures_are_drawn_once_per_cue_and_word(cues: tuple[Cue, ...]) -> None:
    burner = CaptionBurner(cues, FPS)
    base = background()
    for k in range(frame_at(1500)):
        burner.apply(Frame(base.copy()), k)
    assert burner.pictures is not None and burner.pictures.drawn == 1
    highlighted = CaptionBurner(cues, FPS, CaptionStyle(highlight="#ffd400"))
    for k in range(frame_at(1500)):
        highlighted.apply(Frame(base.copy()), k)
    assert highlighted.pictures is not None
    assert highlighted.pictures.drawn == 3  # one per word spoken so far


def test_long_lines_shrink_to_the_safe_width() -> None:
    text = "This caption line is quite long for such a narrow frame"
    cue = segment_captions(words(text))
    narrow = background()[:, :300].copy()
    out = CaptionBurner(cue, FPS, CaptionStyle(size=0.1)).apply(Frame(narrow.copy()), 2)
    cols = np.nonzero(changed(out.image, narrow).any(axis=0))[0]
    assert cols.min() >= 300 * 0.03 and cols.max() <= 300 * 0.97


@pytest.mark.parametrize(
    "text",
    ["مرحبا بالعالم، هذا اختبار", "नमस्ते दुनिया, यह एक परीक्षण है", "你好，世界", "Ünïcödé ✓"],
)
def test_other_scripts_draw_without_crashing(text: str) -> None:
    cue = segment_captions(words(text))
    base = background()
    burner = CaptionBurner(cue, FPS, CaptionStyle(highlight="#ffd400"))
    out = burner.apply(Frame(base.copy()), 3)
    assert changed(out.image, base).sum() > 100


def test_font_coverage() -> None:
    assert covers(DEFAULT_FONT, "Hello, Привет, مرحبا")
    assert not covers(DEFAULT_FONT, "नमस्ते")


def test_style_parsing() -> None:
    style = parse_style("position=top, color=#FFD400, box=on, size=0.06, highlight=none")
    assert (style.position, style.colour, style.box, style.size) == ("top", "#FFD400", True, 0.06)
    assert style.highlight is None
    with pytest.raises(InputError, match="bad caption style"):
        parse_style("sparkle=yes")
    with pytest.raises(InputError, match="#rrggbb"):
        parse_style("colour=red")
    with pytest.raises(InputError, match="between"):
        parse_style("size=2")
    with pytest.raises(InputError, match="on or off"):
        parse_style("box=maybe")
    with pytest.raises(InputError, match="not found"):
        CaptionStyle(font=str(Path("/nonexistent/font.ttf")))


def test_a_file_that_is_not_a_font_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "font.ttf"
    fake.write_text("not a font")
    with pytest.raises(InputError, match="cannot read caption font"):
        CaptionStyle(font=str(fake))
    assert CaptionStyle(font=str(DEFAULT_FONT)).font_path == DEFAULT_FONT


def test_overlay_sprites_match_the_burned_pixels(cues: tuple[Cue, ...]) -> None:
    from persona.compose.sprites import blend

    overlay = CaptionOverlay(cues, W, H, FPS, CaptionStyle(highlight="#ffd400"))
    assert overlay.sprite(frame_at(cues[0].end_ms + 200)) is None
    first = overlay.sprite(1)
    assert first is not None and overlay.sprite(2) is first  # same word: same picture
    assert overlay.sprite(frame_at(500)) is not first  # the next word
    base = background()
    canvas = base.copy()
    sprite = overlay.sprite(3)
    assert sprite is not None
    blend(canvas, sprite, Rect(0, 0, W, H))
    burned = CaptionBurner(cues, FPS, CaptionStyle(highlight="#ffd400")).apply(Frame(base), 3)
    assert np.abs(canvas.astype(int) - burned.image.astype(int)).max() <= 1
