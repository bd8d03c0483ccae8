"""Video avatars: trained from a clip of a person talking, rendered from their own mouths.

    model = train_video_avatar("me.mp4")                 # 15–120 s, one person, with sound
    model.save("me.zip")
    avatar = VideoAvatar.load("me.zip", 1280, 720)       # any output size
    avatar.prepare(mouth_track)                          # optional: the whole track ahead
    frame = avatar.render(state)                         # FaceState → Frame
    bgra = avatar.render_bgra(state)                     # the person over transparency

    record = create_video_avatar("me.mp4", "Me")         # trained and saved in the store

Stages, one module each: :mod:`~.ingest` (checks, upright frames at a steady rate),
:mod:`~.track` (FaceMesh through the clip), :mod:`~.loop` (the idle loop),
:mod:`~.harvest` (several mouth samples per viseme, with their contexts),
:mod:`~.cutout` (the person's masks of the loop), :mod:`~.model` (the saved file),
:mod:`~.choose` (which sample each frame shows), :mod:`~.render` (new speech),
:mod:`~.train` (the chain and the store), :mod:`~.sheet` (pictures to look at). See
``docs/video-avatar.md``.
"""

from persona.avatar.video.model import VideoModel
from persona.avatar.video.render import VideoAvatar
from persona.avatar.video.train import (
    create_video_avatar,
    open_video_avatar,
    train_video_avatar,
)

__all__ = [
    "VideoAvatar",
    "VideoModel",
    "create_video_avatar",
    "open_video_avatar",
    "train_video_avatar",
]
