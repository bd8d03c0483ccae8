"""What every avatar renderer offers, and how the CLI's ``--avatar`` picks one.

An avatar turns one :class:`~persona.types.FaceState` into one video frame at a fixed
output size. The talking photo (:class:`~persona.avatar.photo.PhotoAvatar`) and the
illustrated avatar (:class:`~persona.avatar.creator.draw.CreatorAvatar`) both satisfy
:class:`Avatar`, so voices, lip sync, motion and encoding work the same with either.

Avatars that can be drawn without their background also satisfy :class:`CutoutAvatar`:
``render_bgra`` returns ``(H, W, 4)`` uint8 in B, G, R, A order with *premultiplied*
alpha, so a scene composites it over a BGR frame with ``out = src + dst * (1 - a)``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from persona.types import FaceState, Frame

if TYPE_CHECKING:
    from persona.avatar.background import Background
    from persona.avatar.creator.spec import AvatarSpec

TEMPLATE_PREFIX = "template:"


@runtime_checkable
class Avatar(Protocol):
    """A renderer of face states at ``width`` x ``height``.

    :meth:`render` returns a BGR uint8 :class:`Frame` whose ``dirty`` rectangle bounds
    what changed since the previous call (``None``: anything); the image buffer may be
    reused by the next call.
    """

    width: int
    height: int

    def render(self, state: FaceState) -> Frame: ...


@runtime_checkable
class CutoutAvatar(Avatar, Protocol):
    """An avatar that can also be drawn over transparency, for compositing."""

    def render_bgra(self, state: FaceState) -> np.ndarray: ...


def is_creator_ref(ref: str | Path) -> bool:
    """Whether ``ref`` names an illustrated avatar (a template or a ``.json`` spec)."""
    text = str(ref)
    return text.startswith(TEMPLATE_PREFIX) or text.lower().endswith(".json")


def open_avatar(
    ref: str | Path,
    width: int,
    height: int,
    *,
    fps: float = 25.0,
    warn: Callable[[str], None] | None = None,
    background: Background | None = None,
    shot: str = "head-and-shoulders",
) -> Avatar:
    """The avatar ``ref`` names: a saved avatar ``av_…[@N]``, ``template:NAME``, a spec
    ``.json`` file, or a photo. ``shot`` frames photos (a framing preset)."""
    from persona.avatar.store import parse_ref

    if parse_ref(str(ref)) is not None:
        from persona.avatar.library import open_saved_avatar

        return open_saved_avatar(
            str(ref), width, height, fps=fps, warn=warn, background=background, shot=shot
        )
    if not is_creator_ref(ref):
        from persona.avatar.photo import PhotoAvatar

        return PhotoAvatar.from_path(
            ref, width, height, warn=warn, background=background, shot=shot
        )
    from persona.avatar.creator.spec import read_spec
    from persona.avatar.creator.templates import get_template

    text = str(ref)
    if text.startswith(TEMPLATE_PREFIX):
        spec = get_template(text[len(TEMPLATE_PREFIX) :]).spec
    else:
        spec = read_spec(text)
    return creator_avatar(spec, width, height, fps=fps, warn=warn, background=background)


def creator_avatar(
    spec: AvatarSpec,
    width: int,
    height: int,
    *,
    fps: float = 25.0,
    warn: Callable[[str], None] | None = None,
    background: Background | None = None,
) -> Avatar:
    """An illustrated avatar for ``spec``; a colour or picture ``background`` replaces its own."""
    from persona.avatar.background import BlurBackground
    from persona.avatar.creator.draw import CreatorAvatar

    backdrop = None
    if isinstance(background, BlurBackground):
        if warn is not None:
            warn("a blurred background applies to photos only; the avatar keeps its own")
    elif background is not None:
        blank = np.zeros((height, width, 3), np.uint8)
        backdrop = background.backdrop(blank, np.zeros((height, width), np.float32))
    return CreatorAvatar(spec, width, height, fps=fps, backdrop=backdrop)
