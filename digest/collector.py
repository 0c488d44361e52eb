"""Python's cycle collector, paused while a build makes records that hold no reference cycles.

Loading, unpickling and planning make tens of records an article, and each collection walks
every record made so far: at 10,000 articles the collector took more than half of the
planning time and two thirds of the time to unpickle the article cache, with nothing to
collect.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the ``with`` block; it runs again afterwards.

    What the block made is frozen (gc.freeze) before the collector runs again: otherwise
    the first collection after the block walks every record it made, once, which is the
    cost the pause avoids. Frozen records are still freed when nothing refers to them;
    they are only left out of the search for cycles (build_site unfreezes them at its end).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
