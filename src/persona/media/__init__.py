"""Media layer: encode frames and audio to MP4/WebM, and read media files back.

* :class:`VideoWriter` — streaming encoder (H.264 + AAC in MP4, VP9 + Opus in WebM).
* :func:`ensure_writable`, :func:`container_for_path`, :func:`check_spec` — check an
  output path and a :class:`~persona.types.VideoSpec` before any work.
* :func:`probe`, :func:`read_video_frames`, :func:`read_audio` — read a file back.
* :func:`read_audio_file`, :func:`write_wav`, :func:`resample` — audio files and rates.
* :class:`RawFrameRecorder`, :func:`encode_i420_frames` — measure encoding apart from
  rendering.
"""

from persona.media.audio import read_audio_file, resample, write_wav
from persona.media.encode import FrameSink, VideoWriter, encode_i420_frames
from persona.media.formats import check_spec, container_for_path
from persona.media.output import ensure_writable
from persona.media.probe import MediaInfo, probe, read_audio, read_video_frames
from persona.media.yuv import I420Canvas, RawFrameRecorder

__all__ = [
    "FrameSink",
    "I420Canvas",
    "MediaInfo",
    "RawFrameRecorder",
    "VideoWriter",
    "check_spec",
    "container_for_path",
    "encode_i420_frames",
    "ensure_writable",
    "probe",
    "read_audio",
    "read_audio_file",
    "read_video_frames",
    "resample",
    "write_wav",
]
