"""The only module that writes to the output folder.

A build is written into a staging folder beside the output folder and swapped in only when
complete, so an interrupted build leaves the previous site as it was. A manifest lists the
files the digest wrote; a file in the output folder that is not on it was put there by
someone else, and the build refuses to replace it rather than lose it.

The site a build replaces may be kept (keep_previous_site) for the next build to use as its
staging folder: the pages that are the same in both are there already, and only the others
are replaced, where a new folder needs a file or a link for every page. Many of its files
are hard links to the live site's, so a file in a staging folder is never written over,
always replaced by a new one.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import posixpath
import shutil
import subprocess
import sys
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import urls
from .errors import DigestError
from .processes import is_running
from .stored import Stored, contents, write_all

MANIFEST = ".digest-manifest.json"
_RENAME_EXCHANGE = 2  # Linux renameat2 flag: swap two paths in one step
# The folder that holds the digest package: its project folder, or the site-packages it is
# installed in. Protected even when the build is run from another folder.
_DIGEST_HOME = Path(__file__).resolve().parent.parent


def check_output_folder(out_dir: Path, protected: dict[str, Path]) -> set[str]:
    """Raise DigestError when ``out_dir`` is a folder the build must never replace.

    ``protected`` names folders (the articles, the project) that the output folder may not
    be, nor contain. Returns the files it holds (files_under), found on the way.
    """
    target = out_dir.resolve()
    forbidden = {
        Path("/").resolve(): "the file system root",
        Path.home().resolve(): "your home folder",
        _DIGEST_HOME: "the folder digest is installed in",
    }
    for name, folder in protected.items():
        forbidden[folder.resolve()] = name
    for folder, name in forbidden.items():
        if target == folder or target in folder.parents:
            raise DigestError(
                f"output folder {out_dir} is {name} or contains it; choose a folder of its own, such as site/",
                out_dir,
            )
    if target.exists() and not target.is_dir():
        raise DigestError("output path is a file, not a folder; choose another output folder", out_dir)
    if target.is_dir() and any(target.iterdir()):
        written = read_manifest(target)
        if written is None:
            raise DigestError(
                "output folder is not empty and was not written by digest; "
                "empty it, or choose another output folder, so that nothing in it is lost",
                out_dir,
            )
        allowed = written | {MANIFEST}
        present = set(files_under(target))
        stray = sorted(present - allowed)
        if stray:
            shown = ", ".join(stray[:5]) + (f" and {len(stray) - 5} more" if len(stray) > 5 else "")
            raise DigestError(
                f"output folder holds files digest did not write ({shown}); "
                "move them out of the folder, since each build replaces it whole",
                out_dir,
            )
        return present
    return set()


def files_under(folder: Path) -> Iterator[str]:
    """Yield the path of every file under ``folder``, relative to it, with "/" between parts.

    os.scandir rather than Path.rglob: a site has tens of thousands of files, pathlib's
    objects cost ten times as much to make, and a directory entry tells a file from a
    folder without a stat call of its own.
    """
    stack = [("", str(folder))]
    while stack:
        prefix, path = stack.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file():
                    yield prefix + entry.name


def write_site(files: Iterable[tuple[str, bytes]], out_dir: Path) -> int:
    """Write ``(out_path, content)`` pairs as the new site in ``out_dir``; return the count.

    Files are written into a staging folder first; the old site is replaced only after the
    last file is written.
    """
    staging = open_staging(out_dir)
    written: list[str] = []
    try:
        for out_path, content in files:
            if (staging.folder / out_path).exists():
                raise DigestError(f"two outputs were written to {out_path}; rename one of them")
            stage_file(staging.folder, out_path, content)
            written.append(out_path)
        commit_staging(staging, written)
    except BaseException:
        abandon_staging(staging)
        raise
    return len(written)


@dataclass(frozen=True)
class Staging:
    """A folder beside the output folder where the next site is written before it is swapped in."""

    out_dir: Path  # resolved
    folder: Path
    # Both folders held open until the swap (None: there is no previous site), so that
    # stage_unchanged names a page from them rather than from the root: a link then takes a
    # third of the time, for tens of thousands of pages. Worker processes inherit them.
    out_fd: int | None = None
    folder_fd: int | None = None
    # The pages a reused folder holds already (the previous site kept), with their keys:
    # one whose key is the new page's is left as it is. Empty for a new folder.
    held: Mapping[str, str] = field(default_factory=dict)

    def close(self) -> None:
        for descriptor in (self.out_fd, self.folder_fd):
            if descriptor is not None:
                os.close(descriptor)


def open_staging(out_dir: Path, reuse: Path | None = None, held: Mapping[str, str] | None = None) -> Staging:
    """Return a staging folder for ``out_dir``, clearing what killed builds left.

    The folder is new and empty, or ``reuse`` (a previous site kept by keep_previous_site,
    moved into place) holding the pages ``held``: their out_paths and keys.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out_dir)
    folder = out_dir.parent / f".{out_dir.name}.building-{os.getpid()}"
    # Under the name of a staging folder from here on: a build killed while it updates
    # the folder leaves a leftover that the next build removes, never a previous site
    # that is neither the old one nor the new.
    if reuse is not None:
        try:
            reuse.rename(folder)
        except OSError:  # on another file system, say: a new folder after all
            shutil.rmtree(reuse, ignore_errors=True)
            reuse, held = None, None
    if reuse is None:
        folder.mkdir()
    try:
        out_fd = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        out_fd = None
    return Staging(out_dir, folder, out_fd, os.open(folder, os.O_RDONLY | os.O_DIRECTORY) if out_fd is not None else None,
                   held or {})


def make_folders(folder: Path, out_paths: Iterable[str]) -> None:
    """Create the folders that ``out_paths`` need, checking each path stays inside ``folder``.

    Done once before workers write, so that they never race to create the same folder.
    """
    for parent in sorted({posixpath.dirname(urls.check_out_path(out_path)) for out_path in out_paths}):
        if parent:
            (folder / parent).mkdir(parents=True, exist_ok=True)


def stage_file(folder: Path, out_path: str, content: bytes | Iterable[bytes | Stored]) -> None:
    """Write one file of the next site into the staging ``folder``; safe to call from a worker.

    ``content`` may come in parts, so that a large file is never whole in memory, and a
    part may be bytes kept in the article cache, read back as it is written.
    """
    path = folder / urls.check_out_path(out_path)
    with _new_file(path) as stream:
        fd = stream.fileno()
        if isinstance(content, bytes):
            write_all(fd, content)
            return
        waiting: list[bytes] = []
        size = 0
        for part in content:
            if type(part) is Stored and part.length >= _COPY_MIN:
                write_all(fd, b"".join(waiting))
                waiting, size = [], 0
                part.copy_to(fd)
                continue
            data = contents(part)
            waiting.append(data)
            size += len(data)
            if size >= _COPY_MIN:
                write_all(fd, b"".join(waiting))
                waiting, size = [], 0
        write_all(fd, b"".join(waiting))


# Parts kept in a file are copied file to file from this size; smaller ones (a record) are
# read and written with the parts around them, as many at a time.
_COPY_MIN = 1 << 20


def _new_file(path: Path):
    """Open a new file at ``path`` to write, replacing any file there rather than writing
    over it: a reused staging folder's files may be hard links to the live site's."""
    try:
        return open(path, "xb", buffering=0)  # unbuffered: Stored.copy_to writes at the file's position
    except FileNotFoundError:
        # Most folders are made before any file (make_folders): asking for the folder of
        # every file cost a full build of 10,000 articles a fifth of a second of CPU.
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        path.unlink()
    return open(path, "xb", buffering=0)


def stage_unchanged(staging: Staging, out_path: str) -> bool:
    """Give the next site the previous site's copy of ``out_path``; return False if there is none.

    A hard link costs no copy, and the previous site keeps its own name for the file until
    the swap, so an interrupted build still leaves it whole.
    """
    urls.check_out_path(out_path)
    if staging.out_fd is None:
        return False
    try:
        _link(out_path, staging)
    except FileNotFoundError:
        return False
    except FileExistsError:  # a page the reused folder holds in another version
        os.unlink(out_path, dir_fd=staging.folder_fd)
        return stage_unchanged(staging, out_path)
    except OSError:
        with _new_file(staging.folder / out_path) as stream:
            with open(staging.out_dir / out_path, "rb") as source:
                shutil.copyfileobj(source, stream)
    return True


def _link(out_path: str, staging: Staging) -> None:
    os.link(out_path, out_path, src_dir_fd=staging.out_fd, dst_dir_fd=staging.folder_fd, follow_symlinks=False)


def commit_staging(staging: Staging, written: list[str], keep_previous: tuple[Path, Collection[str]] | None = None) -> str:
    """Write the manifest, swap the staging folder in as the output folder; return the manifest's hash.

    The pages a reused folder held that the new site lacks are removed first. The previous
    site is removed, or with ``keep_previous`` (a folder, and the previous site's pages)
    kept there for the next build (keep_previous_site).
    """
    stale = set(staging.held).difference(written)
    for out_path in sorted(stale):
        _remove_file(staging.folder, out_path)
    manifest = json.dumps({"files": sorted(written)}, indent=0).encode()
    stage_file(staging.folder, MANIFEST, manifest)
    staging.close()
    previous = _swap_in(staging.folder, staging.out_dir)
    if previous is not None:
        if keep_previous is None or not keep_previous_site(previous, *keep_previous):
            discard_site(previous, staging.out_dir, len(written))
    return hashlib.sha256(manifest).hexdigest()


# A replaced site of this many files or more is removed by a process of its own, which the
# build does not wait for: the kernel took about 0.15 ms a file, 3.0 of the 15.7 s that a
# build of 10,000 articles took after its title changed. Below it, starting the process
# would take longer than removing the files.
REMOVE_APART_MIN_FILES = 2_000

# Run by ``python -I -S -c`` with the folder to remove. It forks: the build waits only for
# this first process, which names the folder after the second before it ends, and the
# second, in a session of its own and at a low priority, removes the folder after the build
# has ended. The next build leaves alone a folder whose remover is still at work
# (_remove_leftovers), and clears one whose remover was killed.
_REMOVER = """
import os, shutil, sys, time
folder = sys.argv[1]
parent = os.getpid()
remover = os.fork()
if remover:
    try:
        os.rename(folder, f"{folder}.{remover}")
    finally:
        os._exit(0)
os.setsid()
try:
    os.nice(10)
except OSError:
    pass
while os.getppid() == parent:
    time.sleep(0.001)
named = f"{folder}.{os.getpid()}"
shutil.rmtree(named if os.path.isdir(named) else folder, ignore_errors=True)
os._exit(0)
"""


def discard_site(previous: Path, out_dir: Path, files: int) -> None:
    """Remove ``previous``, a site of about ``files`` files that ``out_dir`` replaced.

    A large one is first renamed to a name of its own, so that a later build's staging
    folder can never be taken for it, and then removed in the background. What a removal
    killed on the way leaves is cleared by the next build (_remove_leftovers).
    """
    if files >= REMOVE_APART_MIN_FILES:
        doomed = out_dir.parent / f".{out_dir.name}.replaced-{os.getpid()}-{time.time_ns()}"
        try:
            previous.rename(doomed)
        except OSError:
            doomed = previous
        try:
            subprocess.run([sys.executable, "-I", "-S", "-c", _REMOVER, str(doomed)], check=True,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return
        except (OSError, subprocess.CalledProcessError):
            previous = doomed  # removed here after all
    shutil.rmtree(previous)


def keep_previous_site(previous: Path, folder: Path, pages: Collection[str]) -> bool:
    """Move the previous site, without the files that are not among its ``pages``, to
    ``folder``, for the next build to reuse (open_staging); return False if it cannot be."""
    try:
        written = read_manifest(previous)
        if written is None:
            return False
        # The other files (feeds, articles.json, the search index) are written again or taken
        # over whole by every build that changes any: kept, they would only take up room.
        for out_path in sorted(written.difference(pages)):
            _remove_file(previous, out_path)
        (previous / MANIFEST).unlink()
        if folder.exists():
            shutil.rmtree(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        previous.rename(folder)
    except OSError:
        return False
    return True


def folder_identity(folder: Path) -> list[int] | None:
    """Return what tells ``folder`` from the one at its path before or after a swap, or None
    if there is none: its device and inode, as a build record keeps them."""
    try:
        status = os.stat(folder)
    except OSError:
        return None
    return [status.st_dev, status.st_ino]


def _remove_file(folder: Path, out_path: str) -> None:
    """Remove a file and the folders it leaves empty, up to ``folder``."""
    try:
        (folder / urls.check_out_path(out_path)).unlink()
    except FileNotFoundError:
        return
    parent = posixpath.dirname(out_path)
    while parent:
        try:
            (folder / parent).rmdir()
        except OSError:  # not empty
            return
        parent = posixpath.dirname(parent)


def manifest_hash(out_dir: Path) -> str | None:
    """Return the hash of the manifest of ``out_dir``, which names the site it describes."""
    try:
        return hashlib.sha256((out_dir / MANIFEST).read_bytes()).hexdigest()
    except OSError:
        return None


def abandon_staging(staging: Staging) -> None:
    staging.close()
    shutil.rmtree(staging.folder, ignore_errors=True)


def _swap_in(staging: Path, out_dir: Path) -> Path | None:
    """Put the staging folder in place of ``out_dir``; return where the previous site is now, if any."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return None
    if _exchange(staging, out_dir):
        return staging  # which now holds the previous site
    # Without an atomic exchange, the old site stays reachable under a known name until
    # the new one is in place; _remove_leftovers restores it if the build dies in between.
    previous = out_dir.parent / f".{out_dir.name}.previous-{os.getpid()}"
    out_dir.rename(previous)
    staging.rename(out_dir)
    return previous


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux renameat2); return False where that is not possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def _remove_leftovers(out_dir: Path) -> None:
    """Clear the staging folders of builds that were killed, restoring a half-swapped site,
    and replaced sites whose removal was cut short."""
    for leftover in sorted(out_dir.parent.glob(f".{out_dir.name}.previous-*")):
        if not out_dir.exists():
            leftover.rename(out_dir)
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in out_dir.parent.glob(f".{out_dir.name}.replaced-*"):
        # Named after its remover (_REMOVER) once that is at work: "….replaced-<pid>-<ns>.<remover>".
        if not is_running(leftover.name.rsplit(".", 1)[1]):
            shutil.rmtree(leftover, ignore_errors=True)


def read_manifest(out_dir: Path) -> set[str] | None:
    """Return the files the build that made ``out_dir`` wrote, or None if digest did not make it."""
    try:
        return set(json.loads((out_dir / MANIFEST).read_text())["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
