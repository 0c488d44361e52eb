"""What the command line prints: messages by verbosity, warnings once, a progress bar on terminals.

Results go to standard output; warnings, errors and the progress bar to standard error, so
that ``digest check --json > report.json`` and a piped build stay clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

from .errors import DigestError

# Below this many steps a build takes a second or so: a bar would only flicker.
PROGRESS_THRESHOLD = 300
_BAR_WIDTH = 24
_REDRAW_SECONDS = 0.1


class Console:
    """Prints for one command run; ``quiet`` keeps only warnings and errors, ``verbose`` adds detail."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False,
                 out: TextIO | None = None, err: TextIO | None = None):
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._pending: list[str] = []
        self._shown: set[str] = set()  # a preview rebuilds often; each warning is shown once per run

    def info(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def detail(self, text: str) -> None:
        if self.verbose:
            print(text, file=self.out, flush=True)

    def error(self, text: str) -> None:
        print(f"error: {text}", file=self.err, flush=True)

    def warn(self, warning: str | DigestError, label: str = "warning") -> None:
        """Keep a warning for show_warnings(), so that it is not lost in the middle of other output."""
        line = f"{label}: {warning}"
        if line not in self._shown and line not in self._pending:
            self._pending.append(line)

    def show_warnings(self) -> int:
        """Print the warnings kept since the last call, each once; return how many."""
        shown = self._pending
        for line in shown:
            print(line, file=self.err)
        self.err.flush()
        self._shown.update(shown)
        self._pending = []
        return len(shown)

    def progress(self) -> ProgressBar:
        """Return a progress callback for build_site: a bar on a terminal, stage times if verbose."""
        show_bar = not self.quiet and _is_terminal(self.err)
        return ProgressBar(self.err if show_bar else None, self.detail)


class ProgressBar:
    """Called as ``progress(stage, done, total)``; draws a bar for long stages, times every stage."""

    def __init__(self, stream: TextIO | None, report: Callable[[str], None]):
        self.stream = stream
        self.report = report  # where a finished stage's time goes (Console.detail)
        self._stage: str | None = None
        self._started = 0.0
        self._drawn = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage != self._stage:
            self.finish()
            self._stage, self._started, self._drawn = stage, now, 0.0
        if self.stream is None or total < PROGRESS_THRESHOLD:
            return
        if done < total and now - self._drawn < _REDRAW_SECONDS:
            return
        self._drawn = now
        filled = _BAR_WIDTH * done // total if total else _BAR_WIDTH
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {100 * done // max(total, 1):3d}% {stage} {done}/{total}\x1b[K")
        self.stream.flush()

    def finish(self) -> None:
        """End the current stage: clear the bar's line and report the stage's time."""
        if self._stage is None:
            return
        if self.stream is not None and self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
        self.report(f"  {self._stage}: {time.perf_counter() - self._started:.2f} s")
        self._stage = None


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
