"""Reading an import file: .xlsx/.xls/.ods with python-calamine, .csv with the standard library, and
coercing each cell by its column's type.

Excel hands over whole numbers as floats and dates as date/datetime; people type dates as 2025-03-01,
2025/3/1 or 2025年3月1日 and months as 2025-03. Excel on Chinese Windows saves CSV in GBK, so CSV is
read as UTF-8 (with or without BOM) and, failing that, as GB18030 (a superset of GBK).
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "　": " ", "：": ":"})


class FileUnreadable(Exception):
    """The file cannot be read as a table; the message is for the user."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells); the header is row 1


def header_normalize(text: Any) -> str:
    """Headers match whatever the spaces around them and whether the parentheses are full-width."""
    return re.sub(r"\s+", "", str(text or "").translate(FULL_WIDTH))


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def table_read(path: Path) -> Table:
    """The first sheet (or the CSV) as header + non-blank data rows."""
    suffix = path.suffix.lower()
    grid: list[list[Any]]
    if suffix in SPREADSHEET_SUFFIXES:
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            grid = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:  # calamine raises its own error types for every kind of damage
            raise FileUnreadable(f"无法读取 Excel 文件：{exc}") from exc
    elif suffix in {".csv", ".txt"}:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise FileUnreadable("CSV 文件编码无法识别（请另存为 UTF-8 或 GBK 编码）") from exc
        grid = list(csv.reader(io.StringIO(text, newline="")))
    else:
        raise FileUnreadable(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件")
    if not grid:
        raise FileUnreadable("文件是空的")
    headers = [header_normalize(h) for h in grid[0]]
    # A row whose first cell holds text is not blank: the common case, decided without _blank.
    rows = [(number, cells) for number, cells in enumerate(grid[1:], start=2)
            if (cells and type(cells[0]) is str and cells[0].strip()) or not _blank(cells)]
    return Table(headers=headers, rows=rows)


# --- cell coercion: each returns the value or None for an empty cell, or raises ValueError(reason) ---

def _text_of(value: Any) -> str:
    if type(value) is str:  # every CSV cell
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def cell_text(value: Any) -> str | None:
    if value is None:
        return None
    text = _text_of(value)
    return text or None


def cell_credit_code(value: Any) -> str | None:
    if type(value) is str and len(value) == 18 and value.isalnum():  # the common case, already clean
        return value.upper()
    text = cell_text(value)
    return "".join(text.split()).upper() if text else None


_NUMBER_CHARS = str.maketrans("０１２３４５６７８９．－", "0123456789.-", ",，")


def _number_text(value: Any) -> str:
    # Thousands separators and full-width digits are common in hand-typed sheets.
    return str(value).strip().translate(_NUMBER_CHARS)


def cell_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if type(value) is str:  # the common case: a clean number in a CSV cell
        try:
            number = Decimal(value)
            if number.is_finite():
                return number
        except InvalidOperation:
            pass
        return _decimal_of_text(value)
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 1234.5, not 1234.4999…
        return Decimal(repr(value))
    if isinstance(value, datetime.date):
        raise ValueError("应为数字，不是日期")
    return cell_decimal(str(value))  # any other cell type: read as its text


def _decimal_of_text(value: Any) -> Decimal | None:
    text = _number_text(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{str(value).strip()}”不是数字") from None
    if not number.is_finite():
        raise ValueError(f"“{str(value).strip()}”不是数字")
    return number


def cell_integer(value: Any) -> int | None:
    number = cell_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"应为整数（填的是{number}）")
    return int(number)


TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗"}


def cell_boolean(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = _text_of(value).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    if not text:
        return None
    raise ValueError(f"应为“是”或“否”（填的是“{text}”）")


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def cell_date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text_of(value)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            try:
                return datetime.date(*(int(g) for g in found.groups()))
            except ValueError:
                raise ValueError(f"“{text}”不是有效日期") from None
    raise ValueError(f"“{text}”不是日期（应如 2025-03-01）")


def cell_month(value: Any) -> datetime.date | None:
    """The first day of the month the cell names."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return day.replace(day=1)
    text = _text_of(value)
    if not text:
        return None
    for pattern in _MONTH_PATTERNS:
        found = pattern.match(text)
        if found:
            year, month = (int(g) for g in found.groups())
            if 1 <= month <= 12:
                return datetime.date(year, month, 1)
            raise ValueError(f"“{text}”不是有效月份")
    try:
        parsed = cell_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"“{text}”不是月份（应如 2025-03）")
    return parsed.replace(day=1)
