"""planner.hashes: lockfile digests in one normal form (expected values decoded by hand)."""

from __future__ import annotations

import pytest

from planner import hashes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # npm: sha512 SRI (base64 of the 64-byte digest)
        (
            "sha512-WMRQYtPbT8CTZqtPsBDjh16ZIJww7uCrSn0qvu1sOmPIzZi38QUZoBiD0+qgTzm63TNUmlsSuvper2bAQdYpiQ==",
            (
                "sha512:58c45062d3db4fc09366ab4fb010e3875e99209c30eee0ab4a7d2abeed6c3a63"
                "c8cd98b7f10519a01883d3eaa04f39badd33549a5b12bafa5eaf66c041d62989",
            ),
        ),
        # old npm: sha1 SRI, two entries separated by a space, the unknown one left out
        ("sha1-2jmMdrb7S7Rg8xs5K5O2KuvBwH4= md4-AAAA", ("sha1:da398c76b6fb4bb460f31b392b93b62aebc1c07e",)),
        ("not an integrity", ()),
        ("sha512-!!!", ()),
    ],
)
def test_from_sri(text: str, expected: tuple[str, ...]) -> None:
    assert hashes.from_sri(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("sha256:abc", None),  # wrong length
        ("md5:d41d8cd98f00b204e9800998ecf8427e", "md5:d41d8cd98f00b204e9800998ecf8427e"),
        ("h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", None),  # go.sum's dirhash: not a file digest
        ("sha256", None),
    ],
)
def test_from_prefixed(text: str, expected: str | None) -> None:
    assert hashes.from_prefixed(text) == expected


def test_sbom_spellings_of_algorithms() -> None:
    assert hashes.from_hex("SHA-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert hashes.from_hex("SHA256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    assert hashes.from_hex("SHA3-256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") is None


def test_one_artifact_per_algorithm() -> None:
    crate = ("sha256:" + "1" * 64,)
    assert hashes.one_artifact(crate) == ([("sha256", "1" * 64)], [])
    wheels = ("sha256:" + "1" * 64, "sha256:" + "2" * 64, "sha512:" + "3" * 128)
    assert hashes.one_artifact(wheels) == ([("sha512", "3" * 128)], ["sha256:" + "1" * 64, "sha256:" + "2" * 64])
