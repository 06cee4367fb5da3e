"""A picture in an imported Word case study is kept as an attachment with its alt text, listed once."""

import base64
import io

from docx import Document

from curator.importers import read_file
from curator.library import Library


def test_picture_alt_text_reaches_the_record_once(library: Library, tmp_path):
    picture = io.BytesIO(base64.b64decode(  # a 1 x 1 PNG
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="))
    doc = Document()
    doc.add_heading("Pop-up lung health checks in coastal towns", 0)
    doc.add_heading("What we did", 1)
    doc.add_paragraph("A mobile unit visited car parks.")
    doc.add_picture(io.BytesIO(picture.getvalue()))
    doc.inline_shapes[-1]._inline.docPr.set("descr", "The mobile unit parked by the sea front")
    doc.save(tmp_path / "lung.docx")
    report = library.import_records(read_file(tmp_path / "lung.docx"))
    record = library.get(report.imported[0]["id"])
    assert len(record["attachments"]) == 1
    assert record["attachments"][0]["alt"] == "The mobile unit parked by the sea front"
    assert library.attachment_path(record["attachments"][0]["sha256"]).read_bytes() == picture.getvalue()
