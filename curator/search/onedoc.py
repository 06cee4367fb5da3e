"""Writing the terms of a one-document segment (a save) in one lean loop, byte for byte what Whoosh writes.

A save commits a segment of one document: ~700 terms, each a posting list of one posting. Whoosh's generic
``FieldWriter.add_postings`` spends most of a save's commit on per-term bookkeeping for lists that could be
long (a block buffer of arrays, type assertions, block statistics, a term-info object). For one posting all
of that is known up front, so ``install()`` gives ``W3FieldWriter`` a path that writes the same bytes (the
same block header, pickled block, term info and term-table row) directly. Anything else (more than one
document, another codec setting, a term twice, a spelling entry) goes through Whoosh's own code unchanged.
``tests/search/test_search_onedoc.py`` compares the files written both ways.
"""

from __future__ import annotations

import zlib
from array import array
from pickle import dumps
from typing import Any

from whoosh.codec import whoosh3
from whoosh.system import _INT_SIZE, pack_int, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

_original = whoosh3.W3FieldWriter.add_postings
written = 0  # segments written by the lean path (tests check it was taken)


def install() -> bool:
    """Idempotent; False (Whoosh's own path stays) if Whoosh's writer is not the one this was written for."""
    writer = whoosh3.W3FieldWriter
    if writer.add_postings is not _lean and writer.add_postings is not _original:
        return False
    needed = ("_write_block", "_mini_values", "finish_postings")
    if not all(hasattr(whoosh3.W3PostingsWriter, name) for name in needed):
        return False
    writer.add_postings = _lean
    return True


def uninstall() -> None:
    whoosh3.W3FieldWriter.add_postings = _original


def _lean(self: Any, schema: Any, lengths: Any, items: Any) -> None:
    if (type(self) is not whoosh3.W3FieldWriter or not lengths or self._codec._inlinelimit != 1
            or self._codec._blocklimit < 1 or not hasattr(lengths, "doc_count_all")
            or lengths.doc_count_all() != 1 or not hasattr(lengths, "_cached_reader")):
        return _original(self, schema, lengths, items)
    items = list(items)
    previous = None
    for fieldname, btext, docnum, _weight, _value in items:
        if docnum != 0 or (previous is not None and (fieldname, btext) <= previous):
            return _original(self, schema, lengths, iter(items))  # Whoosh raises or handles it as before
        previous = (fieldname, btext)
    _write_one(self, schema, lengths, items)
    global written
    written += 1
    return None


def _write_one(self: Any, schema: Any, lengths: Any, items: list) -> None:
    postfile, tindex = self._postfile, self._tindex
    compression = self._codec._compression
    lastfn = None
    fieldid = b""
    fixedsize: Any = None
    length: Any = None
    lengthbytes = (0, 0)
    minlength: Any = None
    maxlength: Any = 0
    position = postfile.tell()
    magic = whoosh3.WHOOSH3_HEADER_MAGIC
    for fieldname, btext, _docnum, weight, value in items:
        if fieldname != lastfn:
            if lastfn is not None:
                self.finish_field()
            fieldobj = schema[fieldname]
            self.start_field(fieldname, fieldobj)
            fieldid = pack_ushort(self._fieldid)
            fixedsize = fieldobj.format.fixed_value_size()
            length = _length(lengths, fieldname)
            minlength = length if length else None
            maxlength = length if length and length > 0 else 0
            lengthbytes = (length_to_byte(minlength), length_to_byte(maxlength))
            lastfn = fieldname
        vbytes = b"" if value is None else value
        if not isinstance(weight, int | float) or not isinstance(vbytes, bytes):
            raise TypeError(f"posting {fieldname}:{btext!r}: weight {weight!r}, value {vbytes!r}")
        start = position
        postfile.write(magic)
        # the block: what W3PostingsWriter._write_block makes of one posting
        weight32 = array("f", [weight])[0]
        values = [vbytes] if vbytes else []
        if fixedsize is None or fixedsize < 0:
            packed_values: Any = tuple(values)
        elif fixedsize == 0:
            packed_values = None
        else:
            packed_values = b"".join(values)
        data = dumps(((0,), None if weight32 == 1.0 else weight32, packed_values), 2)
        comp = compression if len(data) >= whoosh3.COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        maxweight = weight if weight > 0 else 0
        info = dumps((1, 0, maxweight, comp, *lengthbytes), 2)
        postfile.write(pack_int(-(len(info) + len(data))) + info + data)
        position += len(magic) + _INT_SIZE + len(info) + len(data)
        # the term info: what W3TermInfo.add_block and set_extent make of that block
        terminfo = whoosh3.W3TermInfo()
        terminfo._weight += weight32
        terminfo._df += 1
        terminfo._minlength = minlength
        terminfo._maxlength = max(terminfo._maxlength, maxlength)
        terminfo._maxweight = max(terminfo._maxweight, maxweight)
        terminfo._minid = 0
        terminfo._maxid = 0
        terminfo.set_extent(start, position - start)
        tindex.add(fieldid + btext, terminfo.to_bytes())
    if lastfn is not None:
        self.finish_field()


def _length(lengths: Any, fieldname: str) -> Any:
    """The one document's length in this field, as ``FieldWriter.add_postings`` reads it."""
    reader = lengths._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if reader is None:
        return 0
    lbyte = reader[0]
    return byte_to_length(lbyte) if lbyte else None
