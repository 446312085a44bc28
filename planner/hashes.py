"""Artifact hashes as lockfiles state them, kept in one normal form: ``alg:hexdigest``.

``alg`` is the hashlib name (``sha1``, ``sha256``, ``sha512`` ...), the digest lower-case hex, so a
package-lock ``integrity`` (Subresource Integrity, base64) and a Cargo ``checksum`` (hex) read the
same in the graph. The export side names the same algorithms the way CycloneDX and SPDX do
(:data:`ALGORITHMS`).
"""

from __future__ import annotations

import base64
import binascii
import re

#: hashlib name -> (CycloneDX ``hashes[].alg``, SPDX ``ChecksumAlgorithm`` member name, hex length)
ALGORITHMS: dict[str, tuple[str, str, int]] = {
    "md5": ("MD5", "MD5", 32),
    "sha1": ("SHA-1", "SHA1", 40),
    "sha256": ("SHA-256", "SHA256", 64),
    "sha384": ("SHA-384", "SHA384", 96),
    "sha512": ("SHA-512", "SHA512", 128),
}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


def from_hex(algorithm: str, digest: str) -> str | None:
    """``alg:hex`` for a hex digest of a known algorithm and the right length, else None."""
    alg = algorithm.strip().lower().replace("-", "")
    spec = ALGORITHMS.get(alg)
    digest = digest.strip()
    if spec is None or len(digest) != spec[2] or not _HEX.match(digest):
        return None
    return f"{alg}:{digest.lower()}"


def from_prefixed(text: str) -> str | None:
    """``sha256:<hex>`` (pip ``--hash``, Poetry, PDM, uv, Pipfile.lock) in normal form, else None."""
    alg, sep, digest = text.strip().partition(":")
    return from_hex(alg, digest) if sep else None


def from_sri(text: str) -> tuple[str, ...]:
    """The hashes of a Subresource Integrity string (``sha512-<base64>``, several separated by spaces),
    as npm writes ``integrity``; unknown algorithms and malformed entries are left out."""
    out: list[str] = []
    for token in text.split():
        alg, sep, b64 = token.partition("-")
        if not sep:
            continue
        b64 = b64.split("?", 1)[0]  # SRI allows options after '?'
        try:
            raw = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            continue
        normal = from_hex(alg, raw.hex())
        if normal is not None and normal not in out:
            out.append(normal)
    return tuple(out)


def split(normal: str) -> tuple[str, str]:
    """``("sha256", "<hex>")`` from the normal form."""
    alg, _, digest = normal.partition(":")
    return alg, digest


def one_artifact(normals: tuple[str, ...] | list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """Split a component's digests into ``(alg, hex)`` pairs that describe one artifact (at most one digest per
    algorithm: an npm tarball, a .crate) and the rest (several artifacts of one version: a Python sdist and its
    wheels), which an SBOM's component hash field cannot carry."""
    pairs = [split(h) for h in normals]
    counts: dict[str, int] = {}
    for alg, _ in pairs:
        counts[alg] = counts.get(alg, 0) + 1
    single = [(alg, d) for alg, d in pairs if counts[alg] == 1]
    return single, [f"{alg}:{d}" for alg, d in pairs if counts[alg] > 1]
