"""A bulletin as a print-ready PDF: the same HTML document as the web file, laid out by WeasyPrint
(A4, Noto Sans CJK, page numbers and the cut-off on every page, the chart as vector graphics)."""

from __future__ import annotations

import threading

from .compose import Bulletin
from .document import bulletin_document

_fonts = threading.local()  # one font configuration per thread: loading the CJK fonts costs ~0.3 s a render


def html_pdf(document: str) -> bytes:
    """A whole bulletin document (bulletins/document.py) laid out as PDF; title and lang come from it."""
    # Imported here: WeasyPrint loads Pango when imported, which pages that never print need not pay for.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return HTML(string=document).write_pdf(font_config=_fonts.config) or b""


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    return html_pdf(bulletin_document(bulletin))
