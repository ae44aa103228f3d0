"""Lists as downloadable files (导出): CSV (UTF-8 with BOM, so Excel opens the Chinese right) or xlsx.

The caller passes the rows of the same selector its page shows, so an export never differs from the list.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse

from .formatting import datetime_text, decimal_text, yes_no

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    return value


def _csv_text(value):
    """A CSV cell; text that Excel would read as a formula (=, +, -, @) is quoted with a leading '."""
    if isinstance(value, Decimal):
        # Exact, without trailing zeros, so SQLite and PostgreSQL exports read the same.
        return decimal_text(value)
    if isinstance(value, datetime):
        return datetime_text(value)
    value = _cell(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def content_disposition(filename: str) -> str:
    """A download named in Chinese (RFC 5987), for every file the platform hands out."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def tabular_response(*, headers: Sequence[str], rows: Iterable[Sequence], filename: str, fmt: str) -> HttpResponse:
    """`rows` aligned with `headers`; `fmt` "csv" or "xlsx"; `filename` without extension (may be Chinese)."""
    if fmt == "xlsx":
        content, content_type = _xlsx(headers, rows), XLSX_TYPE
    else:
        fmt = "csv"
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_text(v) for v in row])
        content, content_type = ("\ufeff" + buffer.getvalue()).encode("utf-8"), "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(f"{filename}.{fmt}")
    return response


def _xlsx(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet("导出")
    bold = book.add_format({"bold": True, "bg_color": "#EEF1F5"})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, headers, bold)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            value = _cell(value)
            if isinstance(value, Decimal):
                # Excel stores doubles; the figures here have at most 4 decimals, exact enough as a number.
                sheet.write_number(r, c, float(value))
            elif isinstance(value, datetime):
                sheet.write_string(r, c, datetime_text(value))
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)  # never write() a str: "=…" would become a formula
            else:
                sheet.write(r, c, value)
    sheet.set_column(0, len(headers) - 1, 16)
    book.close()
    return buffer.getvalue()
