"""Marks on every video Persona Studio makes: a visible "AI-generated" label and an
invisible watermark that carries the video's id.

    frames ─AiLabel (visible badge)→ frames ─Watermarker (64-bit payload in luma)→ encode

* :mod:`persona.watermark.label`: the badge, a :class:`~persona.pipeline.FrameFilter`;
* :mod:`persona.watermark.policy`: who may leave the label off
  (:func:`~persona.watermark.policy.may_remove_label`);
* :mod:`persona.watermark.payload`: the 64-bit payload of a video id and its coding;
* :mod:`persona.watermark.embed` / :mod:`persona.watermark.detect`: the invisible mark.
"""

from __future__ import annotations

from persona.watermark.detect import WatermarkReading, detect_frames, detect_video
from persona.watermark.payload import payload_for

__all__ = ["WatermarkReading", "detect_frames", "detect_video", "payload_for"]
