"""One build at a time for each output folder.

Two builds of one site at once would share its cache and the site kept for the next
rebuild: one replaced the cache's shards while the other read them, and failed with a
traceback. A build holds an exclusive lock on a file in the site's cache folder from its
first read of the cache to its end; another build of the same site stops at once and says
which process holds it.

The lock is the kernel's, so a build that is killed leaves no stale lock behind: the kernel
lets go of it with the process. It is a POSIX record lock (lockf) rather than flock: the
worker processes a build forks do not inherit it, and may not hold a killed build's site
for the moment they take to end.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import DigestError

try:
    import fcntl
except ImportError:  # not a POSIX system: builds are not kept apart there
    fcntl = None

LOCK_NAME = "build.lock"


class SiteBusy(DigestError):
    """Another build is writing the same output folder."""


@contextmanager
def build_lock(cache_dir: Path, out_dir: Path) -> Iterator[None]:
    """Hold the lock of the site built into ``out_dir``, whose cache is ``cache_dir``, or
    raise SiteBusy naming the process that holds it."""
    if fcntl is None:
        yield
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Not truncated on opening: the holder's pid, written there, is what a refused build reports.
    fd = os.open(cache_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip()
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise SiteBusy(f"another build is writing this site ({who}); wait for it to end, "
                           "or build into another folder", out_dir) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # lets go of the lock
