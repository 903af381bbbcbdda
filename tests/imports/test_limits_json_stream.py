"""The streaming JSON depth check (limits.JsonDepthGuard) fed in chunks, as ijson reads a file."""

import json
import random

import pytest

from maillage.imports.limits import ImportLimitError, JsonDepthGuard


def feed(data: bytes, chunk: int, max_depth: int) -> None:
    guard = JsonDepthGuard(file="f.json", max_depth=max_depth)
    for start in range(0, len(data), chunk):
        guard.feed(data[start : start + chunk])


def real_depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(real_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(real_depth, value.values()), default=0)
    return 0


def nested(depth: int) -> object:
    value: object = 'a"[{\\'  # brackets, a quote and a backslash inside strings do not count
    for level in range(depth):
        value = [value, "]]}}\\\\", {'k"[': value}] if level % 2 else {"x": value}
    return value


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 16])
def test_depth_is_followed_across_chunks_strings_and_escapes(chunk):
    value = nested(6)
    depth = real_depth(value)
    data = json.dumps(value).encode()
    feed(data, chunk, max_depth=depth)
    with pytest.raises(ImportLimitError, match=f"{depth - 1} niveaux"):
        feed(data, chunk, max_depth=depth - 1)


def test_random_documents_agree_with_their_real_depth():
    rng = random.Random(7)
    for _ in range(200):
        value = nested(rng.randint(0, 9))
        depth = real_depth(value)
        data = json.dumps(value).encode()
        chunk = rng.randint(1, 40)
        feed(data, chunk, max_depth=depth)
        if depth:
            with pytest.raises(ImportLimitError):
                feed(data, chunk, max_depth=depth - 1)


def test_the_error_names_the_file_the_byte_and_the_setting():
    with pytest.raises(ImportLimitError) as caught:
        feed(b'{"a": [[[1]]]}', 4, max_depth=3)
    assert caught.value.file == "f.json" and caught.value.limit == 3
    assert "octet 9" in str(caught.value) and "MAILLAGE_IMPORT_MAX_JSON_DEPTH" in str(caught.value)
