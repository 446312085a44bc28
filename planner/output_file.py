"""The one way depwave writes a file: whole or not at all.

Every file depwave writes (``-o`` documents, patches, ``fix.json``, OSV cache entries) goes to a
temporary file beside the target and is renamed over it once complete, so the target is either its old
content or the whole new one, never half written or empty. Permissions:

- a user output replacing a file keeps that file's mode; a new one gets ``0666`` less the umask (what
  ``> file`` in a shell would give);
- a ``private`` file (the OSV cache) is ``0600``.

A user output that is a symbolic link is written through: the file it points at is replaced and the
link stays (what ``> link`` does). Writes into checkouts (``fix --apply``) pass ``follow_links=False``:
a link there came from the repository, and is replaced rather than followed out of the checkout.

:func:`capture_stdout` turns any command's printed output into such a file (``-o`` on document
commands): the file is written only when the command succeeds.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from planner.errors import UsageError

PRIVATE_MODE = 0o600


def _umask() -> int:
    """The process umask, read without changing it where /proc says it (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(target: Path, private: bool) -> int:
    if private:
        return PRIVATE_MODE
    try:
        st = target.lstat()
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode) & 0o777  # never a set-id bit on new content
    except OSError:
        pass
    return 0o666 & ~_umask()


def write_bytes_atomically(path: Path | str, data: bytes, *, private: bool = False, follow_links: bool = True) -> Path:
    """Write ``data`` to ``path`` (see the module docstring); returns the file written (a link's target
    when ``follow_links``). Creates missing parent directories."""
    target = Path(os.path.realpath(path)) if follow_links else Path(os.path.abspath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, _mode_for(target, private))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_atomically(path: Path | str, text: str, *, private: bool = False) -> Path:
    """Write ``text`` as UTF-8 (newlines as given) to ``path``, whole or not at all."""
    return write_bytes_atomically(path, text.encode("utf-8"), private=private)


@contextlib.contextmanager
def capture_stdout(path: Path | None, success_codes: tuple[int, ...] = (0,)) -> Iterator[None]:
    """Inside the block, what is printed to stdout goes to ``path`` instead (nothing changes when
    ``path`` is None). The file is written when the block ends normally or exits with one of
    ``success_codes`` (``exposure`` exits 1 when something is exposed, and that is its answer); after
    an error the file keeps its old content, or is not created."""
    if path is None:
        yield
        return
    if Path(path).is_dir():
        raise UsageError(f"-o {path}: is a directory")
    buffer = io.StringIO()
    saved = sys.stdout
    sys.stdout = buffer
    try:
        yield
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        sys.stdout = saved
        if code in success_codes:
            _write_output(path, buffer.getvalue())
        raise
    finally:
        sys.stdout = saved
    _write_output(path, buffer.getvalue())


def _write_output(path: Path, text: str) -> None:
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UsageError(f"-o {path}: cannot write: {exc.strerror or exc}") from None
