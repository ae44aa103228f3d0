"""Reading an import file: .xlsx/.xls/.ods with python-calamine, .csv with the standard library, and
coercing each cell by its column's type.

Excel hands over whole numbers as floats and dates as date/datetime; people type dates as 2025-03-01,
2025/3/1 or 2025年3月1日 and months as 2025-03. Excel on Chinese Windows saves CSV in GBK, so CSV is
read as UTF-8 (with or without BOM) and, failing that, as GB18030 (a superset of GBK).

No file may hurt the server (docs/imports.md, "Limits"). calamine loads a sheet as one dense grid from
A1 to its farthest cell, so a 2 KB file with one cell at XFD1048576 asks for 512 GB, and Rust aborts the
process on a failed allocation: no `except` can catch it. So a spreadsheet is read in a child process
with its address space capped (`ReadLimits.memory_bytes`), after cheap checks of what the file declares
(its ZIP parts' sizes, the sheet's dimension), and its rows come back only when the table is within the
limits of rows, columns, cells and characters. A CSV is read here, row by row, under the same limits.
This module imports nothing of Django: the child runs it alone.
"""

import csv
import datetime
import io
import multiprocessing
import os
import re
import resource
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook, PasswordError, ZipError

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
ZIPPED_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}  # .xls is an OLE2 file, not a ZIP archive
FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "　": " ", "：": ":"})
EXCEL_CELL_CHARS = 32_767  # the most characters Excel itself holds in a cell


class FileUnreadable(Exception):
    """The file cannot be read as a table, or is beyond the limits; the message is for the user."""


@dataclass(frozen=True)
class ReadLimits:
    """What one import file may hold. The defaults take a province's year of monthly reports (1.2 million
    rows of 5 columns, bench/) with room to spare; settings.LIANGHUA_IMPORT_* override them."""

    file_bytes: int = 200 * 1024 * 1024
    rows: int = 2_000_000  # data rows, below the header
    columns: int = 100
    cells: int = 20_000_000  # rows × columns of the table as stored (empty cells count: they take memory)
    cell_chars: int = EXCEL_CELL_CHARS
    text_chars: int = 200_000_000  # all cells' characters together
    uncompressed_bytes: int = 512 * 1024 * 1024  # a spreadsheet's ZIP parts, unpacked
    memory_bytes: int = 3 * 1024 * 1024 * 1024  # the address space of the process reading a spreadsheet
    seconds: float = 600.0  # reading a spreadsheet, before the child is stopped


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells); the header is row 1


def header_normalize(text: Any) -> str:
    """Headers match whatever the spaces around them and whether the parentheses are full-width."""
    return re.sub(r"\s+", "", str(text or "").translate(FULL_WIDTH))


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def table_read(path: Path, limits: ReadLimits | None = None) -> Table:
    """The first sheet (or the CSV) as header + non-blank data rows, within `limits`."""
    limits = limits or ReadLimits()
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise FileUnreadable(f"文件过大（{_mb(size)}），单个导入文件不能超过 {_mb(limits.file_bytes)}：请拆分后分批导入")
    if suffix in SPREADSHEET_SUFFIXES:
        return _spreadsheet_read_apart(path, limits)
    if suffix in {".csv", ".txt"}:
        return _table_of(_csv_rows(path, limits), limits)
    raise FileUnreadable(f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx 或 .csv 文件")


def _table_of(grid: Iterable[list[Any]], limits: ReadLimits) -> Table:
    """Header + non-blank rows of `grid` (row 1 first), refused as soon as it passes a limit."""
    rows: list[tuple[int, list[Any]]] = []
    headers: list[str] | None = None
    cells = chars = 0
    number = 0
    for number, row in enumerate(grid, start=1):
        if len(row) > limits.columns and not _blank(row[limits.columns:]):
            raise FileUnreadable(f"第{number}行有 {len(row):,} 列，超过导入上限 {limits.columns:,} 列：请删除多余的列")
        cells += len(row)
        for value in row:
            if type(value) is str:
                chars += len(value)
                if len(value) > limits.cell_chars:
                    raise FileUnreadable(f"第{number}行有一个单元格长 {len(value):,} 个字，超过上限 "
                                         f"{limits.cell_chars:,} 个字（Excel 单元格的上限）")
        if cells > limits.cells or chars > limits.text_chars:
            raise FileUnreadable(f"文件内容过多（读到第{number:,}行已超过导入上限：{limits.cells:,} 个单元格、"
                                 f"{limits.text_chars:,} 个字）：请拆分后分批导入")
        if headers is None:
            headers = [header_normalize(h) for h in row]
            continue
        # A row whose first cell holds text is not blank: the common case, decided without _blank.
        if (row and type(row[0]) is str and row[0].strip()) or not _blank(row):
            if len(rows) >= limits.rows:
                raise FileUnreadable(f"数据超过导入上限 {limits.rows:,} 行（第{number:,}行起）：请拆分后分批导入")
            rows.append((number, row))
    if headers is None:
        raise FileUnreadable("文件是空的")
    return Table(headers=headers, rows=rows)


def _csv_rows(path: Path, limits: ReadLimits) -> Iterable[list[Any]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise FileUnreadable("CSV 文件编码无法识别（请另存为 UTF-8 或 GBK 编码）") from exc
    del raw
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # The reader's own limit (131,072 characters a field) or a NUL byte, read as a Chinese message.
            reason = ("含有空字符（NUL），请用 Excel 打开后另存为 CSV" if "NUL" in str(exc)
                      else f"单元格内容过长（超过 {csv.field_size_limit():,} 个字）或引号不配对")
            raise FileUnreadable(f"第{number + 1}行{reason}") from None
        number += 1
        yield row


# --- spreadsheets, in a child process -----------------------------------------------------------------

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\"")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The first worksheet's part name in an .xlsx/.xlsm (None: another format, or not found)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return None
    workbook = archive.read("xl/workbook.xml")[:1 << 20]
    first = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook) or re.search(
        rb"<(?:\w+:)?sheet\b[^>]*?\bid=\"([^\"]+)\"", workbook)
    if first is None or "xl/_rels/workbook.xml.rels" not in names:
        return None
    relations = archive.read("xl/_rels/workbook.xml.rels")[:1 << 20]
    for relation in re.finditer(rb"<Relationship\b[^>]*>", relations):
        tag = relation.group(0)
        if re.search(rb"\bId=\"" + re.escape(first.group(1)) + rb"\"", tag):
            target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
            if target:
                part = target.group(1).decode("utf-8", "replace").lstrip("/")
                return part if part.startswith("xl/") else f"xl/{part}"
    return None


def _declared_checks(path: Path, limits: ReadLimits) -> None:
    """What the archive says of itself, checked before anything is unpacked: the parts' total size, and
    the first sheet's declared dimension (calamine would allocate for it)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileUnreadable("文件已损坏，或不是 Excel 文件（.xlsx 文件应为 ZIP 压缩包）：请用 Excel 打开后另存为 .xlsx 再导入") from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limits.uncompressed_bytes:
            raise FileUnreadable(f"文件解压后达 {_mb(unpacked)}，超过导入上限 {_mb(limits.uncompressed_bytes)}：请拆分后分批导入")
        part = _first_sheet_part(archive)
        if part is None or part not in archive.namelist():
            return
        with archive.open(part) as sheet:
            start = sheet.read(64 * 1024)
    found = _DIMENSION.search(start)
    if found is None:
        return
    last_column, last_row = (found.group(3), found.group(4)) if found.group(3) else (found.group(1), found.group(2))
    columns, rows = _column_number(last_column.decode()), int(last_row)
    if rows - 1 > limits.rows or columns > limits.columns or rows * columns > limits.cells:
        span = found.group(0).split(b'"')[1].decode()
        raise FileUnreadable(f"工作表范围为 {span}（{rows:,} 行 × {columns:,} 列），超过导入上限（{limits.rows:,} 行 × "
                             f"{limits.columns:,} 列）：请删除表格下方和右侧多余的行列后另存再导入")


def _spreadsheet_rows(path: Path, limits: ReadLimits) -> Iterable[list[Any]]:
    """The first sheet from A1, row by row (calamine's dense grid, checked against the limits first)."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except PasswordError:
        raise FileUnreadable("文件设有打开密码，请取消密码后另存再导入") from None
    except ZipError:
        raise FileUnreadable("文件已损坏，或不是 Excel 文件：请用 Excel 打开后另存为 .xlsx 再导入") from None
    except Exception:  # calamine raises its own error types for every kind of damage, in English
        raise FileUnreadable("无法读取该 Excel 文件（文件可能已损坏或格式不受支持）：请用 Excel 打开后另存为 .xlsx 再导入") from None
    if sheet.start is None:
        return
    first_row, first_column = sheet.start
    height, width = sheet.height + first_row, sheet.width + first_column
    if height - 1 > limits.rows or width > limits.columns or height * width > limits.cells:
        raise FileUnreadable(f"工作表有 {height:,} 行 × {width:,} 列，超过导入上限（{limits.rows:,} 行 × {limits.columns:,} 列）："
                             "请删除表格下方和右侧多余的行列后另存再导入")
    for _ in range(first_row):
        yield []
    padding = [""] * first_column
    for row in sheet.iter_rows():
        yield padding + row if first_column else row


def _spreadsheet_read(path: Path, limits: ReadLimits) -> Table:
    if path.suffix.lower() in ZIPPED_SUFFIXES:
        _declared_checks(path, limits)
    return _table_of(_spreadsheet_rows(path, limits), limits)


def _spreadsheet_read_child(path: str, limits: ReadLimits, sink: Any) -> None:
    """In the child: cap the address space, read, send back ("table", Table) or ("refused", message)."""
    os.environ["RUST_BACKTRACE"] = "0"  # a failed allocation is expected here: one line in the log, not 50
    with open("/proc/self/statm") as statm:
        in_use = int(statm.read().split()[0]) * resource.getpagesize()
    cap = in_use + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        answer: tuple[str, Any] = ("table", _spreadsheet_read(Path(path), limits))
    except FileUnreadable as exc:
        answer = ("refused", str(exc))
    except MemoryError:
        answer = ("memory", "")
    sink.send(answer)
    sink.close()


_READER_CONTEXT = multiprocessing.get_context("forkserver")
_READER_CONTEXT.set_forkserver_preload([__name__])


def _spreadsheet_read_apart(path: Path, limits: ReadLimits) -> Table:
    """_spreadsheet_read in a child process (a fresh one from the fork server: no threads, no database
    connection of ours), so that whatever the file makes calamine do, this process stays up."""
    source, sink = _READER_CONTEXT.Pipe(duplex=False)
    child = _READER_CONTEXT.Process(target=_spreadsheet_read_child, args=(str(path), limits, sink), daemon=True)
    child.start()
    sink.close()
    answer: tuple[str, Any] | None = None
    timed_out = False
    try:
        if source.poll(limits.seconds):
            answer = source.recv()
        else:
            timed_out = True
    except EOFError:  # the child died before answering: calamine aborted, or the kernel killed it
        answer = None
    finally:
        source.close()
        if answer is None and child.is_alive():
            child.kill()
        child.join()
    if timed_out:
        raise FileUnreadable(f"读取文件超过 {limits.seconds:,.0f} 秒未完成：请拆分后分批导入")
    if answer is None:
        raise FileUnreadable(f"文件内容过多，读取所需内存超过上限（{_mb(limits.memory_bytes)}）：请删除表格中多余的行列，"
                             "或拆分后分批导入")
    status, value = answer
    if status == "table":
        table: Table = value
        return table
    if status == "memory":
        raise FileUnreadable(f"文件内容过多，读取所需内存超过上限（{_mb(limits.memory_bytes)}）：请拆分后分批导入")
    raise FileUnreadable(value)


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


# Characters no cell of ours may hold: C0 controls but tab and line breaks, DEL, and the bidirectional
# embeddings, overrides and isolates (U+202E shows "exe.txt" for "txt.exe": a spoofing tool).
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def unsafe_character(text: str) -> str | None:
    """The first character of `text` no cell may hold, as U+XXXX, or None."""
    found = UNSAFE_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


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
                return _magnitude_checked(number, value)
        except InvalidOperation:
            pass
        return _decimal_of_text(value)
    if isinstance(value, bool):
        raise ValueError("应为数字")
    if isinstance(value, int):
        return _magnitude_checked(Decimal(value), value)
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 1234.5, not 1234.4999…
        return _magnitude_checked(Decimal(repr(value)), value)
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
    return _magnitude_checked(number, value)


# No figure of ours has more than 20 digits before or after the point; 1E+999999999 would otherwise
# become a billion-digit integer (minutes of CPU) before any bound is checked.
DIGITS_MOST = 20


def magnitude_sane(number: Decimal) -> bool:
    return not number or -DIGITS_MOST <= number.adjusted() <= DIGITS_MOST


def _magnitude_checked(number: Decimal, value: Any) -> Decimal:
    if not magnitude_sane(number):
        raise ValueError(f"“{str(value).strip()[:40]}”超出可填写的数值范围")
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


# The dates a record of ours can carry: an enterprise founded before 1900 or a project ending after 2100
# is a typing slip (9999-12-31 is a placeholder some systems export).
YEAR_EARLIEST, YEAR_LATEST = 1900, 2100


def _plausible(day: datetime.date, value: Any) -> datetime.date:
    if not YEAR_EARLIEST <= day.year <= YEAR_LATEST:
        raise ValueError(f"“{_text_of(value)}”不在合理的日期范围内（{YEAR_EARLIEST}–{YEAR_LATEST}年）")
    return day


def cell_date(value: Any) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return _plausible(value.date(), value)
    if isinstance(value, datetime.date):
        return _plausible(value, value)
    text = _text_of(value)
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found:
            try:
                day = datetime.date(*(int(g) for g in found.groups()))
            except ValueError:
                raise ValueError(f"“{text}”不是有效日期") from None
            return _plausible(day, text)
    raise ValueError(f"“{text}”不是日期（应如 2025-03-01）")


def cell_month(value: Any) -> datetime.date | None:
    """The first day of the month the cell names."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        day = value.date() if isinstance(value, datetime.datetime) else value
        return _plausible(day, value).replace(day=1)
    text = _text_of(value)
    if not text:
        return None
    for pattern in _MONTH_PATTERNS:
        found = pattern.match(text)
        if found:
            year, month = (int(g) for g in found.groups())
            if 1 <= month <= 12:
                return _plausible(datetime.date(year, month, 1), text)
            raise ValueError(f"“{text}”不是有效月份")
    try:
        parsed = cell_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"“{text}”不是月份（应如 2025-03）")
    return parsed.replace(day=1)
