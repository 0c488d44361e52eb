"""Files a build keeps beside the article cache for the next build: written whole or not at
all, and read back or, when missing or unreadable, ignored. They are only ever shortcuts."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

# What reading a kept file back can raise: missing, cut short, or written by other code.
UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ImportError,
              ValueError, IndexError)


def read_kept(path: Path) -> object | None:
    """Return the value kept at ``path`` (keep()), or None when there is none to read."""
    try:
        with open(path, "rb") as stream:
            return pickle.load(stream)
    except UNREADABLE:
        return None


def keep(path: Path, value: object) -> None:
    """Keep ``value`` at ``path``, replacing the file in one step: a half-written one is never read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)  # there only if it was not put in place
