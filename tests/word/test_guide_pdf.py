"""`export guide --pdf` writes PDF/UA (issue 14, point 8), checked with pikepdf: structure tree, /Lang en-GB, the
title, the PDF/UA identifier in the XMP metadata, bookmarks from headings, working links, and a contents with page
numbers (fields updated before export). One LibreOffice conversion for the whole module: it is slow."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from curator.cli import main
from curator.demo import load_demo
from curator.library import Library
from curator.word.pdf import find_soffice

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf (the test extra) reads the PDF's structure")
pytestmark = pytest.mark.skipif(find_soffice() is None, reason="LibreOffice (soffice) is not installed, so no "
                                "PDF can be made here; the .docx tests still run")


@pytest.fixture(scope="module")
def guide_pdf(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("pdf")
    with Library.open(folder / "lib", daily_backup=False) as library:
        load_demo(library)
    code = main(["--library", str(folder / "lib"), "export", "guide", str(folder / "guide.docx"), "--pdf"])
    assert code == 0
    return folder / "guide.pdf", {}


def test_the_pdf_is_pdf_ua_in_british_english_with_title_and_structure(guide_pdf):
    path, _ = guide_pdf
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "en-GB"
        assert root.MarkInfo.Marked is True and "/StructTreeRoot" in root
        assert len(root.StructTreeRoot.K) > 0 if isinstance(root.StructTreeRoot.K, pikepdf.Array) else True
        assert str(pdf.docinfo.Title) == "Tackling healthcare inequalities: high impact actions"
        meta = pdf.open_metadata()
        assert meta.get("{http://www.aiim.org/pdfua/ns/id/}part") == "1"
        assert meta.get("dc:title") == "Tackling healthcare inequalities: high impact actions"
        assert root.ViewerPreferences.DisplayDocTitle is True


def test_the_pdf_has_bookmarks_from_headings_and_working_links(guide_pdf):
    path, _ = guide_pdf
    with pikepdf.open(path) as pdf:
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        assert "Introduction" in titles and "Maintaining a sense of urgency and commitment to act" in titles
        uris, internal = [], 0
        for page in pdf.pages:
            for annot in page.get("/Annots") or []:
                if annot.get("/Subtype") != "/Link":
                    continue
                action = annot.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action.URI))
                elif annot.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                    internal += 1
        assert any(u.startswith("https://") for u in uris) and any(u.startswith("mailto:") for u in uris)
        assert internal > 10  # contents entries and "see page N" references jump to their pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_contents_and_cross_references_carry_page_numbers(guide_pdf):
    path, _ = guide_pdf
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          timeout=120).stdout
    pages = text.split("\f")
    contents = next(p for p in pages if "Contents" in p)
    assert re.search(r"Maintaining a sense of urgency and commitment to act\s*\.+\s*\d+", contents)
    assert re.search(r"Appendix C: About this edition\s*\.+\s*\d+", contents)
    assert re.search(r"page \d+", text) and "page ?" not in text
