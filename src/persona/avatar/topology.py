"""Landmark indices of the 478-point face mesh (MediaPipe FaceMesh with iris refinement).

"Left" and "right" are as seen in the image (the subject's right eye is on the image's left).
Contours run from one corner to the other so that pairs at equal positions along the upper
and lower contours face each other.
"""

from __future__ import annotations

N_MESH = 468  # the face surface; 468..477 are the iris points
N_POINTS = 478

FACE_OVAL = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
CHIN = 152
FOREHEAD = 10

# Lips, corner to corner (image left → image right).
LIPS_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LIPS_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
MOUTH_CORNERS = (61, 291)
INNER_CORNERS = (78, 308)
UPPER_LIP_CENTER = 13
LOWER_LIP_CENTER = 14

# Eyelids, outer to inner corner for the image-left eye, inner to outer for the image-right
# eye, i.e. both image left → image right.
EYE_L_UPPER = (33, 246, 161, 160, 159, 158, 157, 173, 133)
EYE_L_LOWER = (33, 7, 163, 144, 145, 153, 154, 155, 133)
EYE_R_UPPER = (362, 398, 384, 385, 386, 387, 388, 466, 263)
EYE_R_LOWER = (362, 382, 381, 380, 374, 373, 390, 249, 263)
IRIS_L = (468, 469, 470, 471, 472)
IRIS_R = (473, 474, 475, 476, 477)

BROW_L = (70, 63, 105, 66, 107, 46, 53, 52, 65, 55)
BROW_R = (336, 296, 334, 293, 300, 285, 295, 282, 283, 276)

NOSE = (1, 2, 4, 5, 6, 19, 94, 97, 98, 326, 327, 168, 195, 197, 48, 278, 64, 294, 240, 460)
CHEEKBONES = (116, 117, 118, 119, 100, 345, 346, 347, 348, 329, 123, 352, 50, 280)


def ring(upper: tuple[int, ...], lower: tuple[int, ...]) -> tuple[int, ...]:
    """A closed contour: along ``upper``, then back along ``lower`` without the corners."""
    return upper + tuple(reversed(lower[1:-1]))


INNER_LIP_RING = ring(LIPS_INNER_UPPER, LIPS_INNER_LOWER)
OUTER_LIP_RING = ring(LIPS_OUTER_UPPER, LIPS_OUTER_LOWER)

EYES = EYE_L_UPPER + EYE_L_LOWER + EYE_R_UPPER + EYE_R_LOWER
BROWS = BROW_L + BROW_R
FEATURES = NOSE + EYES + BROWS + CHEEKBONES
"""Parts that mouth shapes never move."""
