"""The measuring tools themselves: lag finder, SSIM, contact sheet, video report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.quality import best_lag, contact_sheet, measure_video, ssim_map


def test_best_lag_finds_a_known_shift() -> None:
    rng = np.random.default_rng(0)
    sound = np.convolve(rng.random(300), np.ones(5) / 5, mode="same")
    for shift in (-3, 0, 2):
        mouth = np.roll(sound, shift)
        lag, corr = best_lag(mouth, sound)
        assert lag == shift
        assert corr > 0.9


def test_ssim_is_one_for_identical_images_and_drops_with_noise() -> None:
    rng = np.random.default_rng(1)
    image = np.tile(np.linspace(40, 200, 64), (64, 1)).astype(np.uint8)  # a smooth ramp
    assert ssim_map(image, image).mean() == pytest.approx(1.0)
    noisy = np.clip(image + rng.normal(0, 40, image.shape), 0, 255).astype(np.uint8)
    assert ssim_map(image, noisy).mean() < 0.8


def test_contact_sheet_has_a_tile_per_viseme(tmp_path: Path, portrait_path: Path) -> None:
    import cv2

    from persona.lipsync import VISEMES

    out = tmp_path / "sheet.png"
    contact_sheet(portrait_path, out, size=(640, 360))
    sheet = cv2.imread(str(out))
    tiles = len(VISEMES) + 2  # + blink + close-up
    rows = -(-tiles // 4)
    assert sheet.shape[1] == 4 * 300
    assert sheet.shape[0] >= rows * 200


@pytest.mark.slow
def test_measure_video_on_a_render(tmp_path: Path, portrait_path: Path) -> None:
    from persona.pipeline import render_video
    from persona.types import RenderOptions, VideoSpec

    out = tmp_path / "clip.mp4"
    spec = VideoSpec(width=480, height=360, fps=25)
    render_video(
        "Bob and Pam ate apples. Mama called. Papa came home.",
        portrait_path,
        out,
        RenderOptions(video=spec),
    )
    report = measure_video(out, portrait_path)
    assert report.frames > 50
    assert abs(report.lag_frames) <= 1
    assert report.peak_correlation > 0.3
    assert report.closed_frames > 0
    assert report.ssim_rest_render > 0.95
    assert report.ssim_aligned > 0.9
    assert "lip-sync lag" in report.table()
