"""The one error type of the digest: a problem with the user's input, named by file and line."""

from __future__ import annotations

import errno
from pathlib import Path


class DigestError(Exception):
    """Bad input: printed as ``path:line: message`` without a traceback by ``cli.main``."""

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __reduce__(self):
        # Errors cross process boundaries (parallel loading) and the article cache.
        return (type(self), (self.message, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class DigestErrors(DigestError):
    """Several input problems found in one run, reported together."""

    def __init__(self, errors: list[DigestError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __reduce__(self):
        return (type(self), (self.errors,))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def system_error(exc: OSError) -> DigestError:
    """Return an error of the system (a disk full, a folder it may not write) worded as the
    others are: the file, what went wrong and what to do, without a traceback."""
    what = exc.strerror or str(exc)
    if exc.filename2 is not None:
        what += f" (renaming to {exc.filename2})"
    return DigestError(f"{what}; {_SYSTEM_FIXES.get(exc.errno, 'fix that, then run the command again')}", exc.filename)


_SYSTEM_FIXES = {
    errno.ENOSPC: "free some space on that disk, then build again",
    errno.EDQUOT: "free some space within your quota, then build again",
    errno.EACCES: "give yourself permission to write there, or choose another folder",
    errno.EPERM: "give yourself permission to write there, or choose another folder",
    errno.EROFS: "that file system is read-only: choose another folder",
}
