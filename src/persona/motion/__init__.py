"""Face motion besides the mouth: blinks, idle and speech-linked head motion, brows, smile.

from persona.motion import animate_face
face = animate_face(speech, n_frames=track.n_frames, fps=25, seed=0)   # FaceTrack
"""

from persona.motion.blinks import Blink, plan_blinks, render_blinks
from persona.motion.head import HEAD_LIMITS
from persona.motion.track import animate_face

__all__ = ["HEAD_LIMITS", "Blink", "animate_face", "plan_blinks", "render_blinks"]
