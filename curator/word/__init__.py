"""Word in and out: the submission form, the .docx reader's safety checks, the high impact actions guide.

Qt-free; python-docx for documents; zipfile and expat (entities off) refuse hostile files before python-docx
sees them.
"""
