"""Upload sniffing: real small files made here (Pillow images, a WAV, MP4/WebM/MKV/Ogg/
FLAC/MP3 through PyAV) are recognised by content; forged ones (an executable or archive
named .jpg) are refused with 415; file names are made safe."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator

import av
import numpy as np
import pytest
from fastapi import FastAPI, UploadFile
from fastapi.testclient import TestClient
from PIL import Image
from tests.unit.service.servicedb import add_user

from persona.errors import InputError
from persona.service.db.engine import Database
from persona.service.errors import UnsupportedMediaError
from persona.service.staging import staged_upload, upload_stem
from persona.service.storage.local import LocalStorage
from persona.service.uploads import (
    AUDIO_TYPES,
    HEAD_BYTES,
    IMAGE_TYPES,
    MAX_NAME_LENGTH,
    VIDEO_TYPES,
    safe_filename,
    sniff,
    sniff_allowed,
)


def _image(fmt: str) -> bytes:
    picture = Image.new("RGB", (16, 12), (200, 40, 90))
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt)
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        tone = (np.sin(np.arange(1600) * 0.2) * 8000).astype("<i2")
        out.writeframes(tone.tobytes())
    return buffer.getvalue()


def _audio(container: str, codec: str, rate: int = 48000) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=rate)
        stream.layout = "mono"  # type: ignore[union-attr]
        samples = (np.sin(np.arange(rate // 5) * 0.05) * 0.3).astype(np.float32)
        fmt = "fltp" if codec in ("libopus", "aac", "libvorbis", "libmp3lame") else "s16"
        frame = av.AudioFrame.from_ndarray(
            (samples * (1 if fmt == "fltp" else 32767)).astype(
                np.float32 if fmt == "fltp" else np.int16
            )[None, :],
            format=fmt,
            layout="mono",
        )
        frame.sample_rate = rate
        for packet in stream.encode(frame):  # type: ignore[union-attr]
            output.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            output.mux(packet)
    return buffer.getvalue()


def _video(container: str, codec: str) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"  # type: ignore[union-attr]
        for index in range(3):
            pixels = np.full((32, 32, 3), index * 60, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):  # type: ignore[union-attr]
                output.mux(packet)
        for packet in stream.encode(None):  # type: ignore[union-attr]
            output.mux(packet)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"),
     ("BMP", "image/bmp"), ("TIFF", "image/tiff")],
)  # fmt: skip
def test_real_images_are_recognised(fmt: str, expected: str) -> None:
    assert sniff("image", _image(fmt)[:HEAD_BYTES]) == expected


def test_real_audio_is_recognised() -> None:
    assert sniff("audio", _wav()) == "audio/wav"
    assert sniff("audio", _audio("flac", "flac")) == "audio/flac"
    assert sniff("audio", _audio("ogg", "libopus")) == "audio/ogg"
    assert sniff("audio", _audio("mp3", "libmp3lame", 44100)) == "audio/mpeg"
    assert sniff("audio", _audio("ipod", "aac")) == "audio/mp4"  # .m4a
    assert sniff("audio", _audio("webm", "libopus")) == "audio/webm"
    assert sniff("media", _wav()) == "audio/wav"


def test_real_video_is_recognised() -> None:
    mp4 = _video("mp4", "libx264")
    assert sniff("video", mp4[:HEAD_BYTES]) == "video/mp4"
    assert sniff("audio", mp4) == "audio/mp4"  # a recording in an MP4 is fine as audio
    assert sniff("video", _video("webm", "libvpx")) == "video/webm"
    assert sniff("video", _video("matroska", "libx264")) == "video/x-matroska"
    assert sniff("media", _video("mov", "libx264")) == "video/quicktime"


def test_an_mp3_frame_without_id3_is_recognised() -> None:
    frame_header = bytes([0xFF, 0xFB, 0x90, 0x64]) + bytes(100)  # MPEG-1 layer III 128k
    assert sniff("audio", frame_header) == "audio/mpeg"
    with pytest.raises(UnsupportedMediaError):  # ADTS AAC (layer 0) is not an MP3 frame
        sniff("audio", bytes([0xFF, 0xF1, 0x50, 0x80]) + bytes(10))


FORGED = {
    "a Windows executable": b"MZ\x90\x00\x03"
    + bytes(60)
    + b"This program cannot be run in DOS mode",
    "a Linux executable (ELF)": b"\x7fELF\x02\x01\x01" + bytes(57),
    "a ZIP archive": b"PK\x03\x04\x14\x00\x00\x00" + bytes(30),
    "HTML or XML (possibly SVG)": b"  <!DOCTYPE html><html><script>alert(1)</script>",
    "a PDF document": b"%PDF-1.7\n%\xe2\xe3",
    "a script": b"#!/bin/sh\nrm -rf ~\n",
}


@pytest.mark.parametrize("what", sorted(FORGED))
def test_forged_images_are_refused_saying_what_they_are(what: str) -> None:
    with pytest.raises(UnsupportedMediaError, match=what.replace("(", r"\(").replace(")", r"\)")):
        sniff("image", FORGED[what])


def test_the_wrong_kind_is_refused() -> None:
    with pytest.raises(UnsupportedMediaError, match=r"is a WAV file.*send a JPEG, PNG"):
        sniff("image", _wav())
    with pytest.raises(UnsupportedMediaError, match="is a PNG file"):
        sniff("audio", _image("PNG"))
    with pytest.raises(UnsupportedMediaError, match="no known format"):
        sniff("video", b"just some text, not a video")
    with pytest.raises(UnsupportedMediaError, match="empty"):
        sniff("image", b"")
    with pytest.raises(UnsupportedMediaError, match="is a JPEG file"):
        sniff_allowed(_image("JPEG"), AUDIO_TYPES | VIDEO_TYPES, "the sample")
    with pytest.raises(InputError, match="unknown upload kind 'document'"):
        sniff("document", b"%PDF")
    with pytest.raises(UnsupportedMediaError, match="of no known format"):  # "BM" alone
        sniff("audio", b"BM" + bytes(40))
    assert {"image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff"} == IMAGE_TYPES


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\ann\\..\\photo.JPG", None, "photo.JPG"),
        ("..\\..\\.bashrc", None, "bashrc"),
        ("my holiday photo (1).png", None, "my_holiday_photo_1.png"),
        ("évènement.wav", None, "evenement.wav"),
        ("фото.jpg", None, "upload.jpg"),
        ("", None, "upload"),
        (None, "image/png", "upload.png"),
        ("payload.exe", "image/jpeg", "payload.jpg"),
        ("a\x00b\nc.png", None, "a_b_c.png"),
        ("...", None, "upload"),
    ],
)
def test_safe_filenames(name: str | None, content_type: str | None, expected: str) -> None:
    assert safe_filename(name, content_type) == expected


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_filename("x" * 500 + ".webm")
    assert len(name) == MAX_NAME_LENGTH and name.endswith(".webm")


@pytest.fixture
def upload_client() -> Iterator[TestClient]:
    """A route that sniffs what it gets, mapped to HTTP by the service's error handlers."""
    from persona.service.api.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)

    @app.post("/photo")
    async def photo(file: UploadFile) -> dict[str, str]:
        head = await file.read(HEAD_BYTES)
        return {"type": sniff("image", head), "name": safe_filename(file.filename)}

    with TestClient(app) as client:
        yield client


def test_a_forged_upload_is_a_415_with_a_clear_error(upload_client: TestClient) -> None:
    forged = {"file": ("cat.jpg", FORGED["a Windows executable"], "image/jpeg")}
    response = upload_client.post("/photo", files=forged)
    assert response.status_code == 415
    assert response.json() == {
        "detail": "this image upload is a Windows executable, judging by its content; "
        "send a JPEG, PNG, WebP, BMP or TIFF file",
        "code": "unsupported_media_type",
    }
    real = {"file": ("../x.gif", _image("PNG"), "image/gif")}
    assert upload_client.post("/photo", files=real).json() == {"type": "image/png", "name": "x.gif"}


def test_staged_upload_stores_checks_and_cleans_up(
    database: Database, storage: LocalStorage
) -> None:
    photo = UploadFile(io.BytesIO(_image("PNG")), filename="../me.png")
    with database.transaction() as session:
        user = add_user(session)
        with staged_upload(
            session, storage, user, photo, kind="avatar_photo", media="image",
            max_bytes=1 << 20,
        ) as (asset, path):  # fmt: skip
            assert path.name == "me.png" and path.read_bytes() == _image("PNG")
            assert asset.content_type == "image/png"
        assert not path.exists()
        assert storage.exists(asset.storage_key)
        assert upload_stem(photo, "photo") == "me"
        with pytest.raises(RuntimeError, match="the avatar failed"), staged_upload(
            session, storage, user, UploadFile(io.BytesIO(_wav()), filename="a.wav"),
            kind="voice_sample", media="audio", max_bytes=1 << 20,
        ) as (failed, _):  # fmt: skip
            raise RuntimeError("the avatar failed")
        assert not storage.exists(failed.storage_key)  # nothing is left behind
        forged = UploadFile(io.BytesIO(FORGED["a ZIP archive"]), filename="x.jpg")
        with pytest.raises(UnsupportedMediaError, match="image upload is a ZIP archive"):
            staged_upload(
                session, storage, user, forged, kind="avatar_photo", media="image",
                max_bytes=1 << 20,
            ).__enter__()  # fmt: skip
