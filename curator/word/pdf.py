"""The guide as PDF/UA through LibreOffice: contents and page references updated, en-GB, bookmarks, links.

With a Python that has LibreOffice's ``uno`` module (Debian's python3-uno, LibreOffice's own python on Windows)
``pdf_uno.py`` updates the contents and fields before exporting, so the PDF's contents has page numbers. Without
one, ``--convert-to`` with the same PDF/UA options still gives a tagged PDF/UA file whose contents lists the
sections without page numbers. Either way a private LibreOffice profile is used, so an open LibreOffice window
neither blocks the export nor sees it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from ..errors import CuratorError

PDF_TIMEOUT = 240
PDF_UA = ('pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
          '"PDFUACompliance":{"type":"boolean","value":"true"},"ExportBookmarks":{"type":"boolean","value":"true"}}')
TAGGED_PDF = PDF_UA  # the name earlier callers used


def find_soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for base in (os.environ.get("PROGRAMFILES", r"C:\Program Files"), os.environ.get("PROGRAMFILES(X86)", "")):
        candidate = Path(base) / "LibreOffice" / "program" / "soffice.exe"
        if base and candidate.is_file():
            return str(candidate)
    return None


@cache
def uno_python(soffice: str) -> str | None:
    """A Python that can import ``uno``: LibreOffice's own, then the system's, then ours."""
    program = Path(os.path.realpath(soffice)).parent
    candidates = [program / "python.exe", program / "python", Path("/usr/bin/python3"), Path(sys.executable)]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            done = subprocess.run([str(candidate), "-c", "import uno"], capture_output=True, timeout=30,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return str(candidate)
    return None


def write_pdf(docx_path: Path) -> Path:
    """A PDF/UA file beside the .docx (tagged, en-GB, contents with page numbers, bookmarks, links)."""
    docx_path = Path(docx_path)
    soffice = find_soffice()
    if soffice is None:
        raise CuratorError(f"{docx_path.name} was written, but --pdf needs LibreOffice, which was not found; "
                           "install LibreOffice, or open the .docx in Word and use File > Save As > PDF")
    target = docx_path.with_suffix(".pdf")
    python = uno_python(soffice)
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as outdir:
        made = Path(outdir) / f"{docx_path.stem}.pdf"
        if python is not None:
            command = [python, str(Path(__file__).with_name("pdf_uno.py")), soffice, Path(profile).as_uri(),
                       str(docx_path), str(made)]
        else:
            command = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to",
                       PDF_UA, "--outdir", outdir, str(docx_path)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PDF_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise CuratorError(f"{docx_path.name} was written, but LibreOffice could not make the PDF ({err}); "
                               "open the .docx in Word and save it as PDF") from err
        if not made.is_file():
            why = (done.stderr or "").strip().splitlines()[-1:] if done.stderr else []
            raise CuratorError(f"{docx_path.name} was written, but LibreOffice made no PDF"
                               f"{' (' + why[0] + ')' if why else ''}; close any open LibreOffice windows and try "
                               "again, or save it as PDF from Word")
        partial = target.with_name(target.name + ".partial")
        shutil.move(str(made), partial)
        partial.replace(target)
    return target
