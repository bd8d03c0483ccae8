"""A short clip spoken by an illustrated template avatar, through the whole pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from persona.avatar.creator.draw import CreatorAvatar
from persona.avatar.creator.templates import get_template
from persona.media import probe, read_video_frames
from persona.pipeline import render_video
from persona.types import RenderOptions, VideoSpec

pytestmark = pytest.mark.slow


def test_template_avatar_clip(tmp_path: Path) -> None:
    out = tmp_path / "maya.mp4"
    spec = VideoSpec(width=256, height=256, fps=25)
    result = render_video(
        "Bob bought a map. Papa ate a pie.", "template:maya", out, RenderOptions(video=spec)
    )
    info = probe(out)
    assert (info.width, info.height) == (256, 256)
    assert info.n_frames == result.n_frames
    assert info.audio_duration_s == pytest.approx(info.video_duration_s, abs=1 / 25)
    # the dark mouth opening in the decoded video follows the jaw channel
    box = CreatorAvatar(get_template("maya").spec, 256, 256).mouth_box
    dark = [
        float((f[box.y : box.y + box.h, box.x : box.x + box.w].mean(axis=2) < 70).mean())
        for f in read_video_frames(out)
    ]
    jaw = result.mouth.channel("jaw")
    assert np.corrcoef(dark, jaw)[0, 1] > 0.7


def test_avatar_object_and_spec_file(tmp_path: Path) -> None:
    spec_file = tmp_path / "me.json"
    spec_file.write_text('{"name": "me", "hair": {"style": "afro"}}', encoding="utf-8")
    out = tmp_path / "me.webm"
    spec = VideoSpec(width=256, height=256, fps=25)
    render_video("Hi.", spec_file, out, RenderOptions(video=spec))
    assert probe(out).video_codec == "vp9"
    avatar = CreatorAvatar(get_template("kwame").spec, 256, 256)
    render_video("Hi.", avatar, tmp_path / "k.mp4", RenderOptions(video=spec))
    assert probe(tmp_path / "k.mp4").n_frames > 5
