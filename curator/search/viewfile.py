"""A non-copying reader for the sub-files of a memory-mapped Whoosh segment.

Whoosh's ``BufferFile`` wraps each sub-file of a mapped compound segment in ``BytesIO(buf)``. ``BytesIO`` copies
a memoryview, so every sub-file (postings, term index, columns) was read from disk in full and kept in the heap
as well as in the page cache: at 50,000 case studies the process held the 533 MB index twice (peak RSS ~1.1 GB)
and the first search read the whole index. ``ViewFile`` reads straight from the map instead, so only the pages
a query touches are read, and they stay file-backed (the OS can drop them). ``install()`` makes Whoosh's
compound storage use it; it is idempotent and falls back to Whoosh's own class if Whoosh changes.
"""

from __future__ import annotations

from typing import Any

from whoosh.filedb.structfile import BufferFile


class _View:
    """The file-object methods Whoosh's ``StructFile`` uses (read, readline, seek, tell), over a memoryview."""

    __slots__ = ("buf", "pos", "size")

    def __init__(self, buf: Any) -> None:
        self.buf = buf if isinstance(buf, memoryview) else memoryview(buf)
        self.pos = 0
        self.size = len(self.buf)

    def read(self, n: int | None = -1) -> bytes:
        pos = self.pos
        end = self.size if n is None or n < 0 else min(self.size, pos + n)
        self.pos = end
        return self.buf[pos:end].tobytes()

    def readinto(self, target: Any) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        pos = self.pos
        end = self.size if limit is None or limit < 0 else min(self.size, pos + limit)
        chunk = self.buf[pos:end].tobytes()
        cut = chunk.find(b"\n")
        if cut >= 0:
            chunk = chunk[:cut + 1]
        self.pos = pos + len(chunk)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        base = 0 if whence == 0 else self.pos if whence == 1 else self.size
        self.pos = max(0, base + offset)
        return self.pos

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.buf = memoryview(b"")


class ViewFile(BufferFile):
    """``BufferFile`` without the copy: reads go to the mapped pages, ``subset`` slices the view."""

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = _View(buf)
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def subset(self, position: int, length: int, name: str | None = None) -> ViewFile:
        return ViewFile(self._buf[position:position + length], name=name or self._name)


def install() -> bool:
    """Make Whoosh's compound (segment) storage open sub-files as ``ViewFile``; False if Whoosh changed."""
    try:
        from whoosh.filedb import compound
    except ImportError:
        return False
    if getattr(compound, "BufferFile", None) is BufferFile:
        compound.BufferFile = ViewFile
    return getattr(compound, "BufferFile", None) is ViewFile
