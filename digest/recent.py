"""What was made from a record lately, kept for the next page that shows the same record."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable


class MadeOnce:
    """What ``make`` returns for a record, kept for the next page that shows the same record.

    The plan shares one frozen record between the pages that show it, so a record is found
    by identity, which costs less than hashing it. Each entry holds its record, so that no
    other object can take its id while it is kept; the oldest go first beyond ``size``, so
    that a process rendering the pages of 100,000 articles does not keep what it made for
    each of them.
    """

    def __init__(self, make: Callable[..., tuple], size: int):
        self._make = make
        self._size = size
        self._made: OrderedDict[tuple, tuple[object, tuple]] = OrderedDict()

    def __call__(self, record: object, *args) -> tuple:
        key = (id(record), *args)
        found = self._made.get(key)
        if found is not None:
            return found[1]
        made = self._make(record, *args)
        self._made[key] = (record, made)
        if len(self._made) > self._size:
            self._made.popitem(last=False)
        return made
