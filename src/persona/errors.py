"""Every error Persona Studio raises on purpose derives from :class:`PersonaError`.

    PersonaError
    ├── InputError                 the user's input cannot be used (exit code 2 in the CLI)
    │   ├── ScriptError            empty script, bad pause mark
    │   ├── ImageError             unreadable or unsupported image
    │   │   ├── NoFaceError        no face found in the photo (or in a video clip)
    │   │   └── VideoFaceError     a video's face: several people, too small, lost too often
    │   ├── AudioError             unreadable or unsupported audio
    │   │   └── SampleError        a voice sample too short, too long, silent or unvoiced
    │   ├── UnknownVoiceError
    │   ├── ConsentError           no usable consent: missing fields, unknown or revoked
    │   ├── VideoError             a video clip missing, unreadable, too short or too long
    │   ├── UnknownLanguageError
    │   └── OutputPathError        output path not writable or of an unsupported type
    └── EngineError                a component failed while working (exit code 1)
        ├── DependencyError        a required engine or package is missing
        ├── SpeechError            a TTS engine failed
        └── EncodeError            FFmpeg / PyAV failed

Errors from third-party engines are wrapped with ``raise ... from exc`` so the message
stays one line for users and the cause stays available for developers. HTTP status codes
exist only in the API layer.
"""

from __future__ import annotations


class PersonaError(Exception):
    """Root of all errors raised on purpose by Persona Studio."""


class InputError(PersonaError):
    """The user's input cannot be used as given."""


class ScriptError(InputError):
    pass


class ImageError(InputError):
    pass


class NoFaceError(ImageError):
    pass


class VideoFaceError(ImageError):
    """The face in a video clip cannot be learned: several people, too small, lost."""


class AudioError(InputError):
    pass


class SampleError(AudioError):
    """A voice sample that decodes but cannot be matched (length, silence, no voice)."""


class UnknownVoiceError(InputError):
    pass


class ConsentError(InputError):
    """Consent is missing, incomplete, unknown or revoked: nothing is made from a person's
    voice or face without it."""


class VideoError(InputError):
    """A video clip that is missing, unreadable, unsupported, too short or too long."""


class UnknownLanguageError(InputError):
    pass


class OutputPathError(InputError):
    pass


class EngineError(PersonaError):
    """A component failed while doing its work."""


class DependencyError(EngineError):
    pass


class SpeechError(EngineError):
    pass


class EncodeError(EngineError):
    pass
