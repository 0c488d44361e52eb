"""Whether the process that named a leftover file after itself is still at work."""

from __future__ import annotations

import os


def is_running(pid: str) -> bool:
    """Return True if a live process has the number ``pid`` (text, as read from a file's
    name); False for a dead one, or text that is no number."""
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError, OverflowError):
        return False
    except PermissionError:
        return True  # another user's live process
    return True
