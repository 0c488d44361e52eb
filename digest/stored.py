"""Bytes that a build keeps on disk, in the article cache, and reads back where they are used.

Most of what a build knows of an article is read by one page or one file alone: its record
in articles.json, the weights of its words in the search index, its body as HTML, the
sentences of its evidence, and the quotations and other details its page shows. Kept in
memory for every article at once, they were more than half of what reading the cache back
took (360 of 640 MiB at 10,000 articles). A Stored value stands for such bytes: where they
lie in a file held open until the build ends. Processes forked by the build inherit the
file, and read with os.pread, which moves no shared file position.
"""

from __future__ import annotations

import os
from typing import NamedTuple


class StoredFile:
    """A file that Stored values are read from, open until close()."""

    __slots__ = ("fd", "path")

    def __init__(self, fd: int, path: str):
        self.fd = fd
        self.path = path  # for messages only: the file may have been replaced since it was opened

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


_COPY_CHUNK = 1 << 24


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` at the position of the file open as ``fd``: os.write may write less."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


# Where a Stored value lies, its offset and length, packed in one int: a build of 100,000
# articles holds a million and a half of them, and two ints and a slot took about 30 bytes
# more each.
_LENGTH_BITS = 40  # lengths up to a terabyte
_LENGTH_MASK = (1 << _LENGTH_BITS) - 1


def place_of(offset: int, length: int) -> int:
    """Return the place of ``length`` bytes at ``offset``, as Stored keeps it."""
    if not (0 <= length <= _LENGTH_MASK and offset >= 0):
        raise ValueError(f"no {length} bytes at offset {offset} can be kept apart")
    return offset << _LENGTH_BITS | length


class Stored:
    """``length`` bytes at ``offset`` in a StoredFile, given by ``place``: place_of(offset, length)."""

    __slots__ = ("file", "place")

    def __init__(self, file: StoredFile, place: int):
        self.file = file
        self.place = place

    @classmethod
    def at(cls, file: StoredFile, offset: int, length: int) -> Stored:
        return cls(file, place_of(offset, length))

    @property
    def offset(self) -> int:
        return self.place >> _LENGTH_BITS

    @property
    def length(self) -> int:
        return self.place & _LENGTH_MASK

    def read(self) -> bytes:
        if self.file.fd < 0:
            raise ValueError(f"{self.file.path} was closed when the build ended; its values are gone with it")
        place = self.place
        data = os.pread(self.file.fd, place & _LENGTH_MASK, place >> _LENGTH_BITS)
        if len(data) != place & _LENGTH_MASK:
            raise OSError(f"{self.file.path} ends before byte {self.offset + self.length}: it was cut short")
        return data

    def copy_to(self, fd: int) -> None:
        """Write the bytes at the position of the file open as ``fd``, which moves past them.

        The kernel copies them from file to file where it can (copy_file_range): a run of
        records taken whole from the previous articles.json is hundreds of megabytes on a
        large site, and never passes through this process.
        """
        offset, left = self.offset, self.length
        while left:
            try:
                copied = os.copy_file_range(self.file.fd, fd, min(left, _COPY_CHUNK), offset)
            except (AttributeError, OSError):  # not on this system or between these file systems
                data = os.pread(self.file.fd, min(left, _COPY_CHUNK), offset)
                copied = len(data)
                write_all(fd, data)
            if copied == 0:
                raise OSError(f"{self.file.path} ends before byte {self.offset + self.length}: it was cut short")
            offset += copied
            left -= copied

    def __reduce__(self):
        # Only the article cache writes these, as places in the file it writes (cache.py). A
        # Stored pickled anywhere else would carry a file descriptor that means nothing there.
        raise TypeError("a Stored value is kept by the article cache and cannot be pickled")

    def __repr__(self) -> str:
        return f"Stored({self.file.path!r}, {self.offset}, {self.length})"


def contents(value: bytes | Stored) -> bytes:
    """Return the bytes ``value`` holds or stands for."""
    return value.read() if type(value) is Stored else value


def text(value: str | Stored) -> str:
    """Return the text ``value`` holds or stands for (stored as UTF-8)."""
    return value.read().decode() if type(value) is Stored else value


class Place(NamedTuple):
    """Where a Stored value lies: the number of its file among Sent.files, and its bytes there."""

    file: int
    offset: int
    length: int


class Sent(NamedTuple):
    """Values for a process that does not hold their files open (one forked before they were
    opened), each Stored value given as its Place.

    A pickled Stored would carry a file descriptor that means nothing there. The process
    opens the files again by path, and refuses one that is no longer the file the values
    lie in.
    """

    files: tuple[tuple[str, int, int], ...]  # path, device, inode
    values: list


def send(values: list) -> Sent:
    """Return ``values`` to be pickled for another process: see Sent."""
    numbers: dict[int, int] = {}  # id of a StoredFile -> its number
    files: list[tuple[str, int, int]] = []
    sent = []
    for value in values:
        if type(value) is Stored:
            number = numbers.get(id(value.file))
            if number is None:
                status = os.fstat(value.file.fd)
                number = numbers[id(value.file)] = len(files)
                files.append((value.file.path, status.st_dev, status.st_ino))
            value = Place(number, value.offset, value.length)
        sent.append(value)
    return Sent(tuple(files), sent)


def receive(sent: Sent) -> tuple[list, list[StoredFile]]:
    """Return the values of ``sent``, Stored again, and the files they are read from, to close."""
    opened: list[StoredFile] = []
    try:
        for path, device, inode in sent.files:
            stored_file = StoredFile(os.open(path, os.O_RDONLY), path)
            opened.append(stored_file)
            status = os.fstat(stored_file.fd)
            if (status.st_dev, status.st_ino) != (device, inode):
                raise OSError(f"{path} was replaced while the build read it; build again")
    except BaseException:
        for stored_file in opened:
            stored_file.close()
        raise
    values = [Stored.at(opened[value.file], value.offset, value.length) if type(value) is Place else value
              for value in sent.values]
    return values, opened
