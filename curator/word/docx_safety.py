"""Refuse broken and hostile Word files before python-docx (and lxml) ever parse them.

A .docx is a zip of XML parts. Checks, cheapest first, each with a message that says what to do: empty file;
legacy .doc or password-protected file (both OLE2 containers); not a zip at all (plain text renamed, random
bytes); a damaged or truncated zip; too many parts; a zip bomb (inflated size is counted while reading, never
trusted from the header); an XML part with a DTD or entity declarations ("billion laughs"; refused by expat
handlers, the rules defusedxml applies); no main document part. What passes is opened from memory, so the file
is read once and never changed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.parsers import expat

from ..errors import FileRefused

MAX_FILE_BYTES = 100 * 2**20
MAX_INFLATED_BYTES = 200 * 2**20
MAX_PART_BYTES = 64 * 2**20
MAX_PARTS = 2000
MAX_RATIO = 200  # inflated/compressed for a single large part: real Word XML compresses ~10×
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
MAIN_PART = "word/document.xml"


def _refuse(path: Path, why: str) -> FileRefused:
    return FileRefused(f"{path.name} {why}")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, path: Path) -> bytes:
    """Inflate one part in chunks, stopping as soon as it passes the size budget (headers can lie)."""
    limit = min(budget, MAX_PART_BYTES)
    chunks = []
    size = 0
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise _refuse(path, f"inflates to more than {limit // 2**20} MB ({info.filename}); it looks like a "
                              "zip bomb, not a Word document. Open it in Word and save a fresh copy as .docx")
            chunks.append(chunk)
    return b"".join(chunks)


def _dispensable(name: str) -> bool:
    """Parts without the document's words (themes, fonts, pictures, properties, settings), whose damage Word
    repairs by leaving them out; the reader does the same and reports it."""
    return name.startswith(("word/theme/", "word/media/", "word/fonts/", "docProps/", "customXml/", "word/embeddings/")) \
        or name.endswith(("/fontTable.xml", "/webSettings.xml", "/settings.xml", "/stylesWithEffects.xml",
                          ".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".bin", ".odttf"))


def read_docx_parts(path: Path, damaged: list[str] | None = None) -> dict[str, bytes]:
    """Every part of a .docx, checked; raises ``FileRefused`` saying why a file cannot be read. With
    ``damaged`` given, a damaged part that holds no text (``_dispensable``) is left out and named there."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _refuse(path, f"is {size // 2**20} MB; Curator reads Word files up to {MAX_FILE_BYTES // 2**20} MB. "
                          "Compress its pictures in Word (File > Compress Pictures) and try again")
        data = path.read_bytes()
    except OSError as err:
        raise _refuse(path, f"cannot be read ({err.strerror}); check the file is not open elsewhere") from err
    if not data:
        raise _refuse(path, "is empty (0 bytes); save the Word document again and import the new copy")
    if data.lstrip()[:5] == b"{\\rtf":
        raise _refuse(path, "is a Rich Text Format (RTF) file renamed to .docx, not a Word document; open it in "
                      "Word and use File > Save As > Word Document (.docx)")
    if data.startswith(OLE2_MAGIC):
        raise _refuse(path, "is a legacy Word .doc file or a password-protected document; open it in Word, remove "
                      "any password, and use File > Save As > Word Document (.docx)")
    if not data.startswith(ZIP_MAGIC):
        head = data[:2048].lstrip().lower()
        if head.startswith(b"<") and (b"<html" in head or b"<!doctype html" in head):
            raise _refuse(path, "is a web page (HTML) renamed to .docx, not a Word document; open it in Word and "
                          "use File > Save As > Word Document (.docx)")
        if head.startswith(b"<?xml") and (b"pkg:package" in head or b"w:worddocument" in head):
            raise _refuse(path, "is a Word XML file (a single .xml document) renamed to .docx; open it in Word and "
                          "use File > Save As > Word Document (.docx)")
        if _looks_like_text(data):
            raise _refuse(path, "is plain text, not a Word document (it was probably renamed to .docx); open it "
                          "in Word and save it as .docx, or import the text as JSON or CSV")
        raise _refuse(path, "is not a Word document (it does not start like a .docx file); check you picked the "
                      "right file")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as err:
        raise _refuse(path, f"is damaged or incomplete ({_words(err)}); it may have been cut short while copying. "
                      "Copy it again or ask the sender to resend it") from err
    if len(infos) > MAX_PARTS:
        raise _refuse(path, f"holds {len(infos)} parts; a Word document has far fewer. It is not safe to read")
    names = {i.filename for i in infos}
    if "mimetype" in names and any(n == "content.xml" for n in names):
        raise _refuse(path, "is an OpenDocument text file (.odt) renamed to .docx; open it in Word or LibreOffice "
                      "and save it as Word Document (.docx)")
    if MAIN_PART not in names and not ("_rels/.rels" in names and "[Content_Types].xml" in names):
        raise _refuse(path, "is a zip file but not a Word document (no word/document.xml); if it is an Excel or "
                      "PowerPoint file, copy the case study into the Curator submission form")
    parts: dict[str, bytes] = {}
    budget = MAX_INFLATED_BYTES
    for info in infos:
        if info.is_dir():
            continue
        if info.compress_size and info.file_size > 10 * 2**20 and info.file_size / info.compress_size > MAX_RATIO:
            raise _refuse(path, f"has a part ({info.filename}) that would inflate {info.file_size // info.compress_size}"
                          "-fold; it looks like a zip bomb. Open it in Word and save a fresh copy as .docx")
        try:
            content = _read_member(zf, info, budget, path)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
                zlib.error) as err:
            if _dispensable(info.filename) and damaged is not None:
                damaged.append(info.filename)  # a theme, font or picture: the text is still all there
                continue
            raise _refuse(path, f"is damaged ({info.filename}: {_words(err)}); copy it again or ask the sender to "
                          "resend it") from err
        budget -= len(content)
        if budget < 0:
            raise _refuse(path, f"inflates to more than {MAX_INFLATED_BYTES // 2**20} MB; it looks like a zip bomb. "
                          "Open it in Word and save a fresh copy as .docx")
        parts[info.filename] = content
    for name, content in parts.items():
        if name.endswith((".xml", ".rels")):
            check_xml(path, name, content)
    return parts


class _Forbidden(Exception):
    """A DTD, entity declaration or external reference in an untrusted part."""


def _forbid(what: str):
    def handler(*_: object) -> None:
        raise _Forbidden(what)
    return handler


def check_xml(path: Path, name: str, content: bytes) -> None:
    """Parse one part with entities off: a DTD, entity declaration or external reference is refused (the
    defusedxml rules, applied with expat handlers so no tree is built just to be thrown away)."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _forbid("a DTD")
    parser.EntityDeclHandler = _forbid("an entity declaration")
    parser.UnparsedEntityDeclHandler = _forbid("an entity declaration")
    parser.ExternalEntityRefHandler = _forbid("an external reference")
    try:
        parser.Parse(content, True)
    except _Forbidden as err:
        raise _refuse(path, f"contains XML that Word never writes ({name} declares {err}); it may be crafted to "
                      "hang the computer, so it was not read. Ask the sender for a fresh copy") from err
    except expat.ExpatError as err:
        raise _refuse(path, f"is damaged: {name} is not well-formed XML ({_words(err)}); open it in Word, let Word repair "
                      "it, and save a fresh copy") from err


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start < len(sample) - 4:  # a multi-byte character cut at the end of the sample is fine
            return False
    return b"\x00" not in sample


def _words(err: BaseException) -> str:
    """An error's own sentence without Python's internals (exception names, object reprs, memory addresses)."""
    text = re.sub(r"<[^<>]*\bat 0x[0-9a-fA-F]+>", "the file", str(err))
    text = re.sub(r"\b0x[0-9a-fA-F]+\b", "", text)
    return text.strip(" '\"") or "no detail given"


def open_docx(path: Path) -> tuple[Any, dict[str, bytes]]:
    """A python-docx ``Document`` opened from the checked bytes, with the raw parts for deeper reading."""
    document, parts, _ = open_docx_noted(path)
    return document, parts


def open_docx_noted(path: Path) -> tuple[Any, dict[str, bytes], list[dict[str, Any]]]:
    """``open_docx`` plus notes on what had to be mended in the package to read it.

    The package is first made readable (``docx_package.normalise``): Strict Open XML mapped onto the
    transitional namespaces, the main part found through ``_rels/.rels``, templates and macro documents given the
    document content type (macros are never run), dangling relationships and broken core properties dropped.
    """
    import docx

    from .docx_package import normalise_package

    damaged: list[str] = []
    parts = read_docx_parts(path, damaged)
    parts, notes = normalise_package(path, parts)
    notes[:0] = [{"kind": "package", "what": "damaged part", "part": name, "field": None,
                  "action": f"{name} is damaged and was left out (it holds no text); the rest was read"}
                 for name in damaged]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for name, content in parts.items():
            out.writestr(name, content)
    buffer.seek(0)
    try:
        document = docx.Document(buffer)
    except Exception as err:  # noqa: BLE001 - lxml and python-docx raise many kinds on malformed packages
        raise _refuse(path, "could not be opened as a Word document: its package structure is damaged "
                      f"({_words(err)}); open it in Word and save it again as Word Document (.docx)") from err
    return document, parts, notes
