"""StoredDigests: the stored rows of an ingest's sources, kept compact, given back as the store gave them."""

from __future__ import annotations

from planner.ingest.digests import StoredDigests

SHA = "69c1b5ca9591996b419c04289d0b82b1b19260bc2930c7852898e7653005a059"


def test_plain_rows_are_kept_as_bytes_and_given_back_as_rows() -> None:
    digests = StoredDigests()
    digests.add({"key": "r:a.go", "sha256": SHA, "inputs": [], "inputs_sha256": None})
    digests.add({"key": "r:b.py", "sha256": SHA.upper(), "inputs": None, "inputs_sha256": None})
    with_inputs = {"key": "r:pom.xml", "sha256": SHA, "inputs": ["r:parent/pom.xml"], "inputs_sha256": "x"}
    digests.add(with_inputs)
    odd = {"key": "r:c.java", "sha256": None, "inputs": [], "inputs_sha256": None}
    digests.add(odd)
    assert digests._sha == {"r:a.go": bytes.fromhex(SHA)}  # the upper-case one stays as given
    assert digests["r:a.go"] == {"key": "r:a.go", "sha256": SHA, "inputs": [], "inputs_sha256": None}
    assert digests["r:b.py"]["sha256"] == SHA.upper()
    assert digests["r:pom.xml"] is with_inputs and digests["r:c.java"] is odd
    assert digests.get("r:missing") is None
    assert len(digests) == 4 and set(digests) == {"r:a.go", "r:b.py", "r:pom.xml", "r:c.java"}
    assert bool(StoredDigests()) is False and bool(digests) is True


def test_a_later_row_replaces_an_earlier_one_of_the_same_key() -> None:
    digests = StoredDigests()
    digests.add({"key": "r:pom.xml", "sha256": SHA, "inputs": ["r:x"], "inputs_sha256": "y"})
    digests.add({"key": "r:pom.xml", "sha256": SHA, "inputs": [], "inputs_sha256": None})
    assert len(digests) == 1 and digests["r:pom.xml"]["inputs"] == []
    digests.add({"key": "r:pom.xml", "sha256": SHA, "inputs": ["r:x"], "inputs_sha256": "y"})
    assert len(digests) == 1 and digests["r:pom.xml"]["inputs"] == ["r:x"]
