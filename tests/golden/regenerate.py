"""Re-capture the golden outputs: ``python -m tests.golden.regenerate [--dump DIR]``.

examples/ outputs are written whole (tests/golden/examples/NAME.out, read them in review); corpus outputs
as one sha256 line each (tests/golden/corpus.sha256), their text under ``--dump`` for reading.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
from pathlib import Path

from tests.conftest import CORPUS, EXAMPLES
from tests.golden.cases import CORPUS as CORPUS_CASES
from tests.golden.cases import EXAMPLES as EXAMPLE_CASES
from tests.golden.cases import HERE, run_cases


def digest(text: str) -> str:
    """The manifest's hash of one output."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def main() -> None:
    """Write every golden file."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, help="also write the corpus outputs here")
    args = parser.parse_args()
    out = HERE / "examples"
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="depwave-golden-") as tmp:
        for name, text in run_cases(EXAMPLES, EXAMPLE_CASES, Path(tmp) / "examples"):
            (out / f"{name}.out").write_text(text, encoding="utf-8")
        lines = []
        for repo, cases in sorted(CORPUS_CASES.items()):
            for name, text in run_cases(CORPUS / repo, cases, Path(tmp) / repo, CORPUS):
                lines.append(f"{digest(text)}  {repo}/{name}\n")
                if args.dump:
                    (args.dump / repo).mkdir(parents=True, exist_ok=True)
                    (args.dump / repo / f"{name}.out").write_text(text, encoding="utf-8")
    (HERE / "corpus.sha256").write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
