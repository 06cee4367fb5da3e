"""House style and accessibility plumbing shared by every document Curator writes.

NHS Blue headings in Arial, 12 pt body, page numbers in the footer, en-GB language in the Normal style (so a
tagged PDF says /Lang(en-GB)), table header rows marked to repeat, real hyperlinks, and properties that hold a
title but no author, company, template path or thumbnail (no personal data leaves in the metadata).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..errors import CuratorError
from .blocks import add_field, insert_before, xml_safe

NHS_BLUE = RGBColor(0x00, 0x5E, 0xB8)
NHS_TEXT = RGBColor(0x21, 0x2B, 0x32)
NHS_GREY = RGBColor(0x4C, 0x62, 0x72)  # NHS dark grey #4C6272: 6.2:1 on white
NHS_DARK_BLUE = RGBColor(0x00, 0x30, 0x87)
NHS_PALE_GREY = "E8EDEE"  # key facts box background: NHS text on it is 12.9:1
#: Every colour a Curator document prints text in, and the background it sits on (tests check each pair ≥ 4.5:1).
TEXT_COLOURS = {"005EB8": "FFFFFF", "212B32": "FFFFFF", "4C6272": "FFFFFF", "003087": "FFFFFF"}
FONT = "Arial"
LANGUAGE = "en-GB"
HEADING_SIZES = {1: 20, 2: 16, 3: 13, 4: 12}


def new_document(template: Path | None = None) -> Any:
    """A blank document: the user's template (body emptied, styles kept) or python-docx's, in house style."""
    if template is None:
        document = docx.Document()
        apply_house_style(document)
        section = document.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4, not the template's US Letter
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.2))
        return document
    from .docx_safety import open_docx

    document, _ = open_docx(Path(template))
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_language(document)
    return document


def apply_house_style(document: Any) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.font.color.rgb = NHS_TEXT
    _east_asian_font(normal, FONT)
    normal.paragraph_format.space_after = Pt(6)
    for name in ("Title", "Subtitle", "TOC Heading", *(f"Heading {n}" for n in range(1, 10))):
        style = styles[name]
        style.font.name = FONT
        _east_asian_font(style, FONT)
        style.font.color.rgb = NHS_BLUE
    for level, size in HEADING_SIZES.items():
        heading = styles[f"Heading {level}"]
        heading.font.size = Pt(size)
        heading.font.bold = True
        heading.font.italic = False
        heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
        heading.paragraph_format.space_after = Pt(6)
    styles["Title"].font.size = Pt(32)
    styles["Title"].font.bold = True
    styles["Subtitle"].font.size = Pt(18)
    styles["Subtitle"].font.italic = False
    _no_border(styles["Title"])
    for name in ("Header", "Footer", "Caption"):
        styles[name].font.name = FONT
        styles[name].font.size = Pt(10)
    set_language(document)


def _east_asian_font(style: Any, name: str) -> None:
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        rfonts.attrib.pop(qn(attr), None)


def _no_border(style: Any) -> None:
    ppr = style.element.get_or_add_pPr()
    for border in ppr.findall(qn("w:pBdr")):
        ppr.remove(border)


def set_language(document: Any) -> None:
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        insert_before(rpr, lang, ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:bidi"), "ar-SA")  # right-to-left runs (Urdu, Arabic) still get a bidi language
    _default_language(document)
    document.core_properties.language = LANGUAGE


def _default_language(document: Any) -> None:
    """en-GB in the document defaults too: LibreOffice takes the PDF's /Lang from them, not from Normal."""
    doc_defaults = document.styles.element.find(qn("w:docDefaults"))
    if doc_defaults is None:
        return
    rpr_default = doc_defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        doc_defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        insert_before(rpr, lang, ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), "en-GB")
    lang.set(qn("w:bidi"), "ar-SA")


def set_properties(document: Any, *, title: str, subject: str = "", keywords: str = "",
                   when: dt.datetime | None = None) -> None:
    """Title and language set; author, editor, comments and dates of the template's author cleared."""
    props = document.core_properties
    stamp = (when or dt.datetime.now(dt.UTC)).replace(tzinfo=None, microsecond=0)
    props.title = xml_safe(title)
    props.subject = subject
    props.keywords = keywords
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.category = ""
    props.identifier = ""
    props.content_status = ""
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = dt.datetime(2000, 1, 1)
    props.language = LANGUAGE


#: Elements that come after w:updateFields in w:settings (ECMA-376 order; Word refuses a file out of order).
SETTINGS_AFTER_UPDATE_FIELDS = (
    "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr",
    "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
    "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")


def update_fields_on_open(document: Any) -> None:
    settings = document.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        insert_before(settings, update, SETTINGS_AFTER_UPDATE_FIELDS)


def page_number_footer(section: Any, label: str = "") -> None:
    footer = section.footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.text = ""
    if label:
        paragraph.add_run(xml_safe(f"{label}  ·  "))
    paragraph.add_run("Page ")
    add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    add_field(paragraph, "NUMPAGES", "1")


#: Parts that can carry personal data and that Curator never writes itself (a user's template may hold them).
DROP_PARTS = ("docProps/thumbnail", "docProps/custom.xml", "customXml/", "word/comments", "word/people.xml")
APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxmlformats'
           b'.org/officeDocument/2006/extended-properties"><Application>Curator</Application></Properties>')


def save_clean(document: Any, path: Path) -> int:
    """Save atomically with no thumbnail, custom properties, comments, authors or template path in the file;
    returns the size in bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename.startswith(DROP_PARTS):
                continue
            content = source.read(info)
            if info.filename.endswith(".rels") or info.filename == "[Content_Types].xml":
                content = _drop_references(content)
            elif info.filename == "docProps/app.xml":
                content = APP_XML  # no company, manager, template path or editing time
            elif info.filename == "word/settings.xml":
                content = _scrub_settings(content)
            target.writestr(info.filename, content)
    path = Path(path)
    from ..location import path_too_long

    too_long = path_too_long(path)  # Windows refuses 260+ characters half-way; say so before writing anything
    if too_long:
        raise CuratorError(f"cannot write {path.name}: {too_long}")
    if not path.parent.exists():
        raise CuratorError(f"cannot write {path}: the folder {path.parent} does not exist")
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_bytes(out.getvalue())
        partial.replace(path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CuratorError(f"cannot write {path} ({err.strerror}); close it in Word or choose another place") from err
    return len(out.getvalue())


def _drop_references(xml: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(xml)
    for child in list(root):
        target = (child.get("Target", "") + child.get("PartName", "")).lstrip("/")
        if any(name.split("/")[-1] and name.split("/")[-1] in target for name in DROP_PARTS) or \
                "customXml" in target or "thumbnail" in target:
            root.remove(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _scrub_settings(xml: bytes) -> bytes:
    """No attached template path (it names the user's folder) and no document variables."""
    from lxml import etree

    root = etree.fromstring(xml)
    for tag in ("w:attachedTemplate", "w:docVars", "w:rsids"):
        for element in root.findall(qn(tag)):
            root.remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
