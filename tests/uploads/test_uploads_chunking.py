"""Chunk-size choice against backend limits, Content-MD5 encoding, and storage keys."""

from __future__ import annotations

import base64
import hashlib
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tarento_lib.uploads import MiB, choose_chunk_size, content_md5
from tarento_lib.uploads.storage.base import decode_content_md5, validate_key


@given(size=st.integers(1, 5 * 1024**4), preferred=st.integers(1, 64 * MiB))
def test_chosen_chunk_respects_s3_part_limits(size: int, preferred: int) -> None:
    chunk = choose_chunk_size(size, preferred, min_part_size=5 * MiB, max_parts=10_000)
    assert chunk >= 5 * MiB and chunk >= preferred
    assert math.ceil(size / chunk) <= 10_000


def test_preferred_size_is_kept_when_it_fits() -> None:
    assert choose_chunk_size(200 * MiB, 8 * MiB, min_part_size=5 * MiB, max_parts=10_000) == 8 * MiB
    assert choose_chunk_size(10 * MiB, 1 * MiB, min_part_size=5 * MiB, max_parts=10_000) == 5 * MiB
    assert (
        choose_chunk_size(100_000 * MiB, 8 * MiB, min_part_size=5 * MiB, max_parts=10_000)
        == 10 * MiB
    )


@pytest.mark.parametrize("bad", [-1, -5])
def test_choose_chunk_size_rejects_bad_arguments(bad: int) -> None:
    with pytest.raises(ValueError, match="size must be an int >= 0"):
        choose_chunk_size(bad, 8, min_part_size=1, max_parts=10)
    with pytest.raises(ValueError, match="preferred must be an int >= 1"):
        choose_chunk_size(10, 0, min_part_size=1, max_parts=10)
    with pytest.raises(TypeError, match="preferred must be an int"):
        choose_chunk_size(10, 8.0, min_part_size=1, max_parts=10)


@given(st.binary(max_size=4096))
def test_content_md5_is_base64_of_the_16_byte_digest(data: bytes) -> None:
    value = content_md5(data)
    assert len(value) == 24 and base64.b64decode(value) == hashlib.md5(data).digest()
    assert decode_content_md5(value) == hashlib.md5(data).digest()


def test_hex_md5_is_not_a_content_md5() -> None:
    hex_value = hashlib.md5(b"abc").hexdigest()
    assert len(base64.b64decode(hex_value)) == 24  # the bug: it decodes, to the wrong length
    with pytest.raises(ValueError, match="16-byte"):
        decode_content_md5(hex_value)
    with pytest.raises(ValueError, match="16-byte"):
        decode_content_md5("not base64!")


@pytest.mark.parametrize("key", ["../x", "/abs", "a//b", "a/./b", "a\\b", "", "a/\x01"])
def test_storage_keys_are_plain_relative_paths(key: str) -> None:
    with pytest.raises(ValueError):
        validate_key(key)


def test_storage_from_url_builds_each_backend(tmp_path: Path) -> None:
    from tarento_lib.uploads import (
        ConfigurationError,
        LocalStorage,
        MemoryStorage,
        S3Storage,
        storage_from_url,
    )

    assert isinstance(storage_from_url("memory://"), MemoryStorage)
    local = storage_from_url(f"file://{tmp_path}/store")
    assert isinstance(local, LocalStorage) and local.root == (tmp_path / "store").resolve()
    s3 = storage_from_url("s3://bucket/some/prefix?endpoint=http://127.0.0.1:9")
    assert isinstance(s3, S3Storage) and (s3.bucket, s3.prefix) == ("bucket", "some/prefix/")
    for bad in ("ftp://x", "file://host/path", "s3:///nobucket", "redis://localhost"):
        with pytest.raises(ConfigurationError):
            storage_from_url(bad)
