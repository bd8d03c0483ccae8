from __future__ import annotations

import numpy as np
import pytest

from persona.watermark import payload_for
from persona.watermark.payload import CODE_BITS, code_bits, crc16, decode_soft


def test_payload_for_is_a_stable_64_bit_number() -> None:
    first = payload_for("job_123")
    assert first == payload_for(" job_123 ")
    assert 0 <= first < 1 << 64
    assert first != payload_for("job_124")


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_payload_for_refuses_what_is_not_an_id(bad: object) -> None:
    with pytest.raises(ValueError, match="video id"):
        payload_for(bad)  # type: ignore[arg-type]


def test_code_round_trip_with_noise() -> None:
    rng = np.random.default_rng(3)
    for payload in (0, (1 << 64) - 1, payload_for("vid_a"), payload_for("vid_b")):
        symbols = code_bits(payload)
        assert symbols.shape == (CODE_BITS,)
        assert set(np.unique(symbols)) == {-1.0, 1.0}
        assert decode_soft(symbols) == payload
        noisy = symbols + rng.normal(0, 0.8, CODE_BITS)  # ~10 % of symbols flipped
        assert decode_soft(noisy) == payload


def test_noise_alone_decodes_to_nothing() -> None:
    rng = np.random.default_rng(4)
    results = [decode_soft(rng.normal(size=CODE_BITS)) for _ in range(200)]
    assert sum(r is not None for r in results) <= 1  # the CRC passes 1 in 65536


def test_crc_changes_with_every_bit() -> None:
    assert len({crc16(1 << k) for k in range(64)}) == 64


def test_bad_payloads_and_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="64-bit"):
        code_bits(1 << 64)
    with pytest.raises(ValueError, match="64-bit"):
        code_bits(-1)
    with pytest.raises(ValueError, match="soft values"):
        decode_soft(np.zeros(10))
