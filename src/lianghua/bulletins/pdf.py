"""A bulletin as a print-ready PDF: the same HTML document as the web file, laid out by WeasyPrint
(A4, Noto Sans CJK, page numbers and the cut-off on every page, the chart as vector graphics)."""

from __future__ import annotations

from .compose import Bulletin
from .document import bulletin_document


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which pages that never print need not pay for.
    from weasyprint import HTML

    return HTML(string=bulletin_document(bulletin)).write_pdf() or b""  # title and lang from the document
