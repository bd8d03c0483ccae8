"""Captions in scenes stay clear of the name plates."""

from __future__ import annotations

import argparse
from dataclasses import replace

from tests.unit.scene.scenes import SPEAKERS

from persona.compose.caption_commands import add_caption_arguments, caption_request
from persona.compose.overlays import lower_third_clearance
from persona.pipeline import Finishing
from persona.scene.model import SceneSpec
from persona.scene.render import _clear_of_lower_thirds


def _finishing(*argv: str) -> Finishing:
    parser = argparse.ArgumentParser()
    add_caption_arguments(parser)
    return Finishing(captions=caption_request(parser.parse_args(list(argv)), (1280, 720), 25))


def test_burned_captions_rise_above_lower_thirds() -> None:
    scene = SceneSpec(SPEAKERS[:2], width=1280, height=720)
    lifted = _clear_of_lower_thirds(_finishing("--captions", "burn"), scene)
    assert lifted.captions is not None
    assert lifted.captions.style.margin >= lower_third_clearance(1280, 720) > 0.15


def test_captions_stay_put_without_lower_thirds_or_at_the_top() -> None:
    scene = SceneSpec(SPEAKERS[:2], width=1280, height=720)
    plain = replace(scene, lower_thirds=False)
    burn = _finishing("--captions", "burn")
    assert _clear_of_lower_thirds(burn, plain) == burn
    top = _finishing("--captions", "burn", "--caption-style", "position=top")
    assert _clear_of_lower_thirds(top, scene) == top
    files = _finishing("--captions", "srt")
    assert _clear_of_lower_thirds(files, scene) == files
