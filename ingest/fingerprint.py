"""Near-duplicate detection for article text: MinHash over word shingles, with LSH bands.

Two reposts of the same story differ in trivial ways (a corrected typo, a changed headline, a
tracking paragraph). The Jaccard similarity of their 5-word shingle sets stays high; MinHash
estimates it from 128 small integers per text, and locality-sensitive hashing puts those into 16
bands of 8 so a lookup is an indexed equality match on band hashes, not a scan of every article.
With 16 x 8 a pair at similarity 0.8 shares a band with probability ~0.94, a pair at 0.5 ~0.06.
"""

from __future__ import annotations

import hashlib
import random
import re
import struct
from array import array
from itertools import islice

SHINGLE_WORDS = 5
PERMUTATIONS = 128
BANDS = 16
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8
_PRIME = (1 << 61) - 1
_MASK32 = (1 << 32) - 1
# Fixed seed: signatures are stored, so the permutations must never change.
_rng = random.Random(20240501)
_COEFFS = [(_rng.randrange(1, _PRIME), _rng.randrange(0, _PRIME)) for _ in range(PERMUTATIONS)]
_WORD = re.compile(r"\w+", re.UNICODE)
# Only the first words count: each shingle costs 128 multiplications of big integers, so a 5 MB
# page (some 800,000 words) held a request for over a minute. Ten thousand words is a long
# feature's length and takes about a second; copies that agree on them are the same story.
MAX_WORDS = 10_000


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = [match.group() for match in islice(_WORD.finditer(text.casefold()), MAX_WORDS)]
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _hash64(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "little")


def signature(text: str) -> array:
    """128 unsigned 32-bit minimum hashes of the text's shingles."""
    hashes = [_hash64(s) for s in shingles(text)] or [0]
    return array("I", (min((a * h + b) % _PRIME for h in hashes) & _MASK32 for a, b in _COEFFS))


def to_bytes(sig: array) -> bytes:
    return struct.pack(f"<{len(sig)}I", *sig)


def from_bytes(data: bytes) -> array:
    return array("I", struct.unpack(f"<{len(data) // 4}I", bytes(data)))


def similarity(a: array, b: array) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def band_hashes(sig: array) -> list[int]:
    """One signed 63-bit hash per band (fits a BigIntegerField on every database)."""
    out = []
    for band in range(BANDS):
        rows = sig[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(struct.pack(f"<H{ROWS}I", band, *rows), digest_size=8).digest()
        out.append(int.from_bytes(digest, "little") >> 1)
    return out
