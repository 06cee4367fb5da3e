"""Run by LibreOffice's Python (not Curator's): open a .docx, update its fields and indexes, export PDF/UA.

``--convert-to pdf`` exports the document as loaded, so the contents would have no page numbers and PAGEREF
fields would keep Word's placeholders. Through the UNO API this script updates the contents (and every other
index) and the fields first, sets the document language to en-GB, then exports a tagged PDF with the PDF/UA
identifier, bookmarks from headings and links kept. It imports nothing from Curator: it runs under whichever
Python has the ``uno`` module (Debian's python3-uno, or LibreOffice's own python on Windows).

usage: python pdf_uno.py SOFFICE PROFILE_DIR IN.docx OUT.pdf
"""

import contextlib
import os
import subprocess
import sys
import time
import uuid


def main(soffice: str, profile: str, source: str, target: str) -> int:
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.lang import Locale

    def props(**values):
        out = []
        for name, value in values.items():
            prop = PropertyValue()
            prop.Name, prop.Value = name, value
            out.append(prop)
        return tuple(out)

    pipe = f"curator_{uuid.uuid4().hex}"
    office = subprocess.Popen([soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible",
                               "--nologo", "--norestore", "--nodefault", f"--accept=pipe,name={pipe};urp;"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(240):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
                if office.poll() is not None:
                    print("LibreOffice stopped before it accepted a connection", file=sys.stderr)
                    return 3
                time.sleep(0.25)
        if context is None:
            print("LibreOffice did not accept a connection within a minute", file=sys.stderr)
            return 3
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0,
                                                props(Hidden=True, ReadOnly=False))
        try:
            locale = Locale("en", "GB", "")
            with contextlib.suppress(Exception):  # a document without the property keeps its own
                document.setPropertyValue("CharLocale", locale)
            for family in ("Standard", "Default Paragraph Style"):
                styles = document.getStyleFamilies().getByName("ParagraphStyles")
                if styles.hasByName(family):
                    styles.getByName(family).setPropertyValue("CharLocale", locale)
            document.getDocumentProperties().Language = locale
            for _ in range(2):  # the contents' own length can move pages: update, lay out, update again
                indexes = document.getDocumentIndexes()
                for n in range(indexes.getCount()):
                    indexes.getByIndex(n).update()
                document.getTextFields().refresh()
                document.refresh()
            filter_data = props(UseTaggedPDF=True, PDFUACompliance=True, ExportBookmarks=True,
                                ExportNotes=False, ExportLinksRelativeFS=False, ConvertOOoTargetToPDFTarget=True,
                                ExportBookmarksToPDFDestination=True, UseLosslessCompression=False, Quality=90,
                                InitialView=1, DisplayPDFDocumentTitle=True)
            args = props(FilterName="writer_pdf_Export",
                         FilterData=uno.Any("[]com.sun.star.beans.PropertyValue", filter_data))
            uno.invoke(document, "storeToURL", (uno.systemPathToFileUrl(os.path.abspath(target)), args))
        finally:
            document.close(True)
        with contextlib.suppress(Exception):  # the bridge drops as soffice exits
            desktop.terminate()
        return 0
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
