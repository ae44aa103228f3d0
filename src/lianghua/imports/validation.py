"""Checking an import file before anything is written: every problem of every row, each as
`第N行 [列名] 原因` (N is the row number the user sees in the spreadsheet; the header is row 1).

This is the pipeline every kind shares: headers, cells coerced column by column, bounds and unit slips,
duplicate keys, regions. Each kind's own checks (`ImportKind.check`, declared with the app that owns its
rows) resolve what the rows refer to and build the rows its writer takes. The checks run in bulk: one
query per lookup table, never one per row. The output is the list of errors and warnings and, for a
clean file, the rows in the shape the kind's bulk service takes.
"""

import difflib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from xlsxwriter.utility import xl_col_to_name  # 0 -> A, 26 -> AA: the column as the spreadsheet labels it

from lianghua.accounts.roles import user_sees_everything
from lianghua.core.formatting import decimal_plain
from lianghua.regions.models import Region
from lianghua.regions.selectors import home_region, region_lookup_table

from .kinds import (
    BOOLEAN,
    CHOICE,
    CREDIT_CODE,
    DATE,
    DECIMAL,
    INTEGER,
    MONTH,
    TEXT,
    Column,
    ImportKind,
    StoredChoices,
    import_kinds,
)
from .reading import (
    Table,
    cell_boolean,
    cell_credit_code,
    cell_date,
    cell_decimal,
    cell_integer,
    cell_month,
    cell_text,
    header_normalize,
    magnitude_sane,
    unsafe_character,
)

YUAN_HINT = "疑似以元为单位填写，应为万元"
YUAN_CHECK_HINT = "请核实是否按元填报（应为万元）"


def yuan_rule_note() -> str:
    """The 元/万元 rules as the import page states them, from the kinds' thresholds (docs/imports.md)."""
    blocked = [text for kind in import_kinds().values() for text in kind.slip_rules[0]]
    warned = [text for kind in import_kinds().values() for text in kind.slip_rules[1]]
    return (f"金额单位为万元。明显按元填写的金额会被拦下：{'、'.join(blocked)}。"
            f"可能按元填写的会提醒核实，不影响导入：{'、'.join(warned)}。")

FAILED = object()  # a cell that could not be read
CLEARED = object()  # a cell holding CLEAR_MARKER: the stored value is to be removed
# What a person writes in a cell to remove a stored value. A blank cell leaves the stored value as it is
# (a file may carry only the columns and rows it changes), so removing needs a word of its own.
CLEAR_MARKER = "清空"
# A parsed row: field -> value for each cell that says something (a blank cell is absent; a cleared one
# is None), "_row" (its number in the file) and "_bad" (fields whose cells failed, also absent).
Record = dict[str, Any]
Fail = Callable[[int, Column, str], None]  # (position in the file's rows, column, message)
NO_FAILED_CELLS: frozenset[str] = frozenset()

COERCE: dict[str, Callable[[Any], Any]] = {
    TEXT: cell_text,
    CREDIT_CODE: cell_credit_code,
    INTEGER: cell_integer,
    DECIMAL: cell_decimal,
    BOOLEAN: cell_boolean,
    DATE: cell_date,
    MONTH: cell_month,
    CHOICE: cell_text,
}


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Validation:
    """The outcome of checking a file. Errors and warnings are kept up to settings.LIANGHUA_IMPORT_ERRORS_KEPT
    each (the lowest rows; a million bad rows must not become a million messages in memory and in the
    batch) and counted in full."""

    kind: ImportKind
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # ready for the bulk service
    row_numbers: list[int] = field(default_factory=list)  # the file row of each of `rows`
    rows_total: int = 0
    fields: frozenset[str] = frozenset()  # the fields whose columns the file has
    errors_total: int = 0
    warnings_total: int = 0
    kept: int = field(default_factory=lambda: settings.LIANGHUA_IMPORT_ERRORS_KEPT)

    def error(self, row: int, column: str, message: str) -> None:
        self.errors_total += 1
        self.errors.append(RowProblem(row, column, message))
        if len(self.errors) >= 2 * self.kept:
            self.errors = self._first(self.errors)

    def warn(self, row: int, column: str, message: str) -> None:
        self.warnings_total += 1
        self.warnings.append(RowProblem(row, column, message))
        if len(self.warnings) >= 2 * self.kept:
            self.warnings = self._first(self.warnings)

    def row_add(self, number: int, row: dict[str, Any]) -> None:
        """A row for the bulk service, from file row `number` (the dry run names it in its changes)."""
        self.rows.append(row)
        self.row_numbers.append(number)

    def _first(self, problems: list[RowProblem]) -> list[RowProblem]:
        order = {c.header: i for i, c in enumerate(self.kind.columns)}
        problems.sort(key=lambda p: (p.row, order.get(p.column, -1)))
        return problems[:self.kept]

    def sort(self) -> None:
        self.errors = self._first(self.errors)
        self.warnings = self._first(self.warnings)


@dataclass
class Scope:
    """Where the acting user may write: None = everywhere (administrators)."""

    region: Region | None
    names: dict[str, Region | None]  # region lookup table inside the user's region (or the home region)
    wider_names: dict[str, Region | None]  # …and inside the home region, to say "not yours" not "unknown"

    def allows(self, path: str) -> bool:
        return self.region is None or path.startswith(self.region.path)

    def refusal(self, region_name: str) -> str:
        """For a region the row itself names: the region tree is public, its records are not."""
        return f"{region_name}不在您的管辖范围（{self.region.name if self.region else ''}）内"

    def not_found(self, what: str) -> str:
        """A record the row refers to that is unknown or outside the user's region: one message for both,
        so an error never tells what exists elsewhere, nor whose it is or where."""
        if self.region is None:
            return f"未找到{what}"
        return f"在您的管辖范围（{self.region.name}）内未找到{what}"


def scope_for(user: Any) -> Scope:
    own = None if user_sees_everything(user) else user.region
    region = getattr(user, "region", None)  # None: the command line's operator
    names = region_lookup_table(within=region or home_region())
    wider = region_lookup_table(within=home_region()) if region is not None else names
    return Scope(region=own, names=names, wider_names=wider)


# ----------------------------------------------------------------------------------------------------
# Cells

def choice_values(column: Column) -> list[str]:
    """The values a person may pick for an enumerated column, as the template's list shows them."""
    if column.type == BOOLEAN:
        return ["是", "否"]
    if isinstance(column.choices, StoredChoices):
        return list(column.choices.shown())
    return list(column.choices or {})


def _choice_lookup(column: Column) -> dict[str, str]:
    if isinstance(column.choices, StoredChoices):
        return {**column.choices.also(), **{header_normalize(k): v for k, v in column.choices.shown().items()}}
    choices = column.choices or {}
    lookup = {header_normalize(k): v for k, v in choices.items()}
    # 国家/省/市/县 without 级 are common too.
    lookup.update({header_normalize(k).removesuffix("级"): v for k, v in choices.items() if k.endswith("级")})
    return lookup


def _bounds_message(column: Column, value: Any) -> str:
    """Why a value out of the column's bounds is refused (called only for such a value)."""
    if column.minimum is not None and value < Decimal(column.minimum):
        if column.minimum == "0":
            return "金额不能为负数" if column.unit == "万元" else "不能为负数"
        if column.maximum is not None:
            return f"应在{column.minimum}–{column.maximum}之间（填的是{value}）"
        return f"不能小于{column.minimum}"
    if column.maximum is not None and value > Decimal(column.maximum):
        if column.minimum is not None:
            return f"应在{column.minimum}–{column.maximum}之间（填的是{value}）"
        return f"不能大于{column.maximum}"
    return f"超出范围（填的是{value}）"


_TEXT_CELLS = {str, type(None)}
_TEXT_TYPES = {TEXT, CHOICE, CREDIT_CODE}  # columns whose cells stay text after coercion


def _column_coerce(coerce: Callable[[Any], Any], raw: list[Any]) -> list[Any]:
    """map(coerce, raw), raising ValueError at the first bad cell. A column of text cells (every CSV
    column) that repeats its values — years, 是/否, round figures, months — is coerced once per distinct
    value; a column of plain figures is read by Decimal in C. Only text: 1, 1.0 and True are equal keys
    but different cells."""
    if len(raw) > 64 and set(map(type, raw)) <= _TEXT_CELLS:
        distinct = set(raw)
        if len(distinct) * 8 > len(raw) and coerce is cell_decimal and "" not in distinct and None not in distinct:
            # Decimal reads a plain number text as cell_decimal does first; a column with anything else
            # (1,234, ＮａＮ, blanks) goes the careful way.
            try:
                values = list(map(Decimal, raw))
            except InvalidOperation:
                pass
            else:
                if all(map(Decimal.is_finite, values)) and all(map(magnitude_sane, values)):
                    return values
        if len(distinct) * 2 <= len(raw):
            coerced = {cell: coerce(cell) for cell in distinct}
            return list(map(coerced.__getitem__, raw))
    return list(map(coerce, raw))


@functools.cache
def field_range(model: type | None, field_name: str) -> tuple[Decimal, Decimal] | None:
    """The least and greatest value the model field stores on every database we run on (PostgreSQL's
    integer widths; a decimal's digits), or None for a column that is not a numeric model field."""
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(field_name)  # type: ignore[attr-defined]
    except FieldDoesNotExist:
        return None
    if isinstance(model_field, models.DecimalField):
        highest = Decimal(10) ** (model_field.max_digits - model_field.decimal_places) - Decimal(10) ** -model_field.decimal_places
        return -highest, highest
    widths = BaseDatabaseOperations.integer_field_ranges.get(model_field.get_internal_type())
    if widths is None:
        return None
    return Decimal(widths[0]), Decimal(widths[1])


def _fits_check(kind: ImportKind, column: Column, values: list[Any], fail: Fail) -> None:
    """Every figure must fit its model field (1E+20 in 用地面积 would be stored and then break the
    enterprise's page): found with min/max in C, the cells looked at only when one does not fit."""
    span = field_range(kind.model, column.stored or column.field)
    present = [v for v in values if v is not None and v is not FAILED and v is not CLEARED]
    if span is None or not present or (span[0] <= min(present) and max(present) <= span[1]):
        return
    for position in [p for p, v in enumerate(values) if v is not None and v is not FAILED and v is not CLEARED
                     and not span[0] <= v <= span[1]]:
        fail(position, column, f"数值超出可保存的范围（填的是{values[position]}，最大为{decimal_plain(span[1])}）")
        values[position] = FAILED


def _numbers_check(column: Column, values: list[Any], numbers: list[int],
                   fail: Fail, result: "Validation") -> tuple[Any, Any] | None:
    """A numeric column's bounds and unit slip (元 typed for 万元); returns its least and greatest value
    (None for a column without one). These are found in C; the cells are looked at one by one only when
    one of them is out of range."""
    present = [v for v in values if v is not None and v is not FAILED]
    if not present:
        return None
    lowest, highest = min(present), max(present)
    low = Decimal(column.minimum) if column.minimum is not None else None
    high = Decimal(column.maximum) if column.maximum is not None else None
    if (low is not None and lowest < low) or (high is not None and highest > high):
        for position in [p for p, v in enumerate(values) if v is not None and v is not FAILED
                         and ((low is not None and v < low) or (high is not None and v > high))]:
            fail(position, column, _bounds_message(column, values[position]))
    slip = column.slip_at
    if slip is not None and highest >= slip:
        for position in [p for p, v in enumerate(values) if v is not None and v is not FAILED and v >= slip]:
            result.error(numbers[position], column.header, f"{values[position]}万元过大，{YUAN_HINT}")
    warn_at = column.warn_at
    if warn_at is not None and highest >= warn_at:
        for position in [p for p, v in enumerate(values) if v is not None and v is not FAILED
                         and warn_at <= v and (slip is None or v < slip)]:
            value = values[position]
            result.warn(numbers[position], column.header,
                        f"{decimal_plain(value)}万元即{decimal_plain(value / 10000)}亿元，{YUAN_CHECK_HINT}")
    return lowest, highest



# Government forms number their rows in a first column 序号; it carries no data and is skipped.
ROW_NUMBER_HEADER = "序号"


def _header_stem(header: str) -> str:
    """The name before the unit: 营业收入(万元) -> 营业收入."""
    return header.split("(", 1)[0]


def _template_column_like(kind: ImportKind, header: str) -> Column | None:
    """The template column a header most likely means: the one with the same name before the unit, else
    the only one whose name contains it (or is contained in it), else a near spelling; None when unsure
    (a wrong guess would send figures into the wrong column)."""
    stem = _header_stem(header)
    by_stem = {_header_stem(header_normalize(c.header)): c for c in kind.columns}
    if stem in by_stem:
        return by_stem[stem]
    if len(stem) >= 2:
        containing = [c for name, c in by_stem.items() if stem in name or name in stem]
        if len(containing) == 1:
            return containing[0]
    close = difflib.get_close_matches(stem, by_stem, n=1, cutoff=0.75)
    return by_stem[close[0]] if close else None


def _unknown_column_message(kind: ImportKind, header: str) -> str:
    column = _template_column_like(kind, header)
    if column is None:
        return "无法识别的列（模板中没有此列，请删除此列或改用模板中的列名）"
    # The unit only where the template's header states it and the file's does not (营业收入(元), 税收).
    stated = column.unit and f"({column.unit})" in header_normalize(column.header)
    unit = f"（请按{column.unit}填报）" if stated and column.unit not in header else ""
    return f"无法识别的列；模板中为“{column.header}”{unit}"


def _column_has_data(table: Table, index: int) -> bool:
    return any(index < len(cells) and cells[index] is not None and (type(cells[index]) is not str
                                                                    or cells[index].strip())
               for _, cells in table.rows)


def headers_check(kind: ImportKind, table: Table, result: Validation) -> dict[str, int]:
    """{header: index of its first column}. Every column of the file must be one of the kind's: an
    unknown header is an error on row 1 (its figures would otherwise vanish without a word), and so is
    a column with data under a blank header. Blank columns with blank headers (Excel's trailing empty
    or formatted columns, a CSV's trailing comma) and a leading 序号 column are skipped."""
    seen: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        if header in seen and header:
            result.error(1, header, f"表头重复（第{seen[header] + 1}列和第{index + 1}列）")
        seen.setdefault(header, index)
    known = {header_normalize(c.header) for c in kind.columns} | set(map(header_normalize, kind.read_only_headers))
    for index, header in enumerate(table.headers):
        if not header:
            if _column_has_data(table, index):
                result.error(1, f"{xl_col_to_name(index)}列", "此列有数据但没有列名（请填写模板中的列名，或删除此列）")
        elif header not in known and seen[header] == index and not (index == 0 and header == ROW_NUMBER_HEADER):
            result.error(1, header, _unknown_column_message(kind, header))
    return seen


def _column_positions(kind: ImportKind, table: Table, result: Validation) -> dict[str, int]:
    """field -> index of its column in the file; a missing (required) key column is an error on row 1.
    Other columns may be left out: a file can carry only what it changes (a new row's required fields are
    then its errors, `new_row_required_check`); so may an optional key part (a credential's 名称/编号:
    files from before it name the one credential of their kind and level)."""
    positions: dict[str, int] = {}
    seen = headers_check(kind, table, result)
    for column in kind.columns:
        index = seen.get(header_normalize(column.header))
        if index is None:
            if column.key and column.required:
                result.error(1, column.header, "缺少此列（请使用导入模板）")
            continue
        positions[column.field] = index
    return positions


def _column_values(column: Column, raw: list[Any], fail: Fail) -> list[Any]:
    """A column's cells coerced by its type and checked against it (required, choices, length); a cell
    that fails is FAILED and has its error. The whole column goes through `_column_coerce` (fast);
    only a column with a bad cell is read again cell by cell, for the messages."""
    coerce = COERCE[column.type]
    failed: set[int] = set()

    def failing(position: int, message: str) -> None:
        failed.add(position)
        fail(position, column, message)

    try:
        values = _column_coerce(coerce, raw)
    except ValueError:
        # A non-text column meets CLEAR_MARKER only here: no number or date reads it.
        values = []
        for position, cell in enumerate(raw):
            try:
                values.append(coerce(cell))
            except ValueError as exc:
                if type(cell) is str and cell.strip() == CLEAR_MARKER:
                    values.append(CLEARED)
                else:
                    failing(position, str(exc))
                    values.append(FAILED)
    else:
        if column.type in _TEXT_TYPES and CLEAR_MARKER in values:  # text cells are stripped: found in C
            values = [CLEARED if v == CLEAR_MARKER else v for v in values]
    if column.type in _TEXT_TYPES:
        texts = [v for v in values if type(v) is str]
        if texts and unsafe_character("\n".join(texts)):  # one search in C over the whole column
            for position in [p for p, v in enumerate(values) if type(v) is str and unsafe_character(v)]:
                failing(position, f"含有不可见的控制字符（{unsafe_character(values[position])}，常见于复制粘贴），请删除后重新导入")
                values[position] = FAILED
    if column.required and CLEARED in values:
        for position in [p for p, v in enumerate(values) if v is CLEARED]:
            failing(position, f"必填项，不能{CLEAR_MARKER}")
            values[position] = FAILED
    if column.key and column.required:  # an optional key part (a credential's 名称/编号) may be blank
        for position in [p for p, v in enumerate(values) if v is None]:
            failing(position, "不能为空")
    if column.type == CHOICE:
        lookup = _choice_lookup(column)
        values = [v if v is None or v is FAILED or v is CLEARED
                  else lookup.get(v) or lookup.get(header_normalize(v), FAILED) for v in values]
        wrong = [p for p, v in enumerate(values) if v is FAILED and raw[p] not in (None, "") and p not in failed]
        allowed = "、".join(choice_values(column)) if wrong else ""
        for position in wrong:
            failing(position, f"“{cell_text(raw[position])}”不是可选值（可选：{allowed}）")
    elif column.max_length is not None:
        for position in [p for p, v in enumerate(values)
                         if v is not None and v is not FAILED and v is not CLEARED and len(v) > column.max_length]:
            failing(position, f"超过{column.max_length}个字")
    return values


def records_parse(kind: ImportKind, table: Table, result: Validation) -> list[Record]:
    """Each data row as {field: coerced value, "_row": N, "_bad": {fields that failed}}: only the cells
    that say something appear (an absent column or a blank cell leaves the stored value alone; a cell
    reading CLEAR_MARKER is None, to remove it)."""
    positions = _column_positions(kind, table, result)
    if result.errors:
        return []
    # Column by column: list comprehensions over a whole column cost a fraction of a per-cell loop, and
    # the per-cell path with its error messages runs only for a column that has a bad cell.
    numbers = [number for number, _ in table.rows]
    grid = [cells for _, cells in table.rows]
    # Rows of one width (every CSV written by a program, every calamine sheet) transpose in C.
    by_column = list(zip(*grid, strict=True)) if len(set(map(len, grid))) == 1 else None
    fields: list[str] = ["_row"]
    columns: list[list[Any]] = [numbers]
    extremes: dict[str, tuple[Any, Any]] = {}  # field -> (least, greatest) of a numeric column
    failed: list[tuple[int, str]] = []  # (position, field) of cells that did not pass
    cleared: dict[str, list[int]] = {}  # field -> positions of its cells that read CLEAR_MARKER

    def fail(position: int, column: Column, message: str) -> None:
        result.error(numbers[position], column.header, message)
        failed.append((position, column.field))

    for column in kind.columns:
        if column.field not in positions:
            continue
        index = positions[column.field]
        if by_column is None:
            raw = [cells[index] if index < len(cells) else None for cells in grid]
        else:
            raw = list(by_column[index]) if index < len(by_column) else [None] * len(grid)
        values = _column_values(column, raw, fail)
        if column.type in (INTEGER, DECIMAL):
            _fits_check(kind, column, values, fail)
        if CLEARED in values:
            cleared[column.field] = [p for p, v in enumerate(values) if v is CLEARED]
            values = [None if v is CLEARED else v for v in values]
        if column.type != CHOICE and column.max_length is None and (
                column.minimum is not None or column.maximum is not None):
            if found := _numbers_check(column, values, numbers, fail, result):
                extremes[column.field] = found
        fields.append(column.field)
        columns.append(values)
    if kind.column_check is not None:
        kind.column_check(kind, dict(zip(fields, columns, strict=True)), extremes, numbers, result)

    fields.append("_bad")  # shared; a record with a failed cell gets a set of its own
    columns.append([NO_FAILED_CELLS] * len(numbers))
    records = [dict(zip(fields, row, strict=True)) for row in zip(*columns, strict=True)]
    for name, values in zip(fields[1:-1], columns[1:-1], strict=True):
        # A blank cell says nothing: absent, so the stored value stays. A cleared one is None.
        if None in values:
            for position in [p for p, v in enumerate(values) if v is None]:
                del records[position][name]
        for position in cleared.get(name, ()):
            records[position][name] = None
    for position, name in failed:
        record = records[position]
        record["_bad"] = record["_bad"] | {name}
        record.pop(name, None)  # a cell that failed is absent, so no check reads a wrong value
    result.rows_total = len(table.rows)
    result.fields = frozenset(positions)
    return records


def duplicates_check(kind: ImportKind, records: list[Record], key: Callable[[Record], tuple[Any, ...] | None],
                     result: Validation) -> None:
    """The same key twice in one file: the later row is the error."""
    keys = list(map(key, records))
    present = [k for k in keys if k is not None]
    if len(set(present)) == len(present):  # the usual file: no key twice, found in C
        return
    first: dict[tuple[Any, ...], int] = {}
    header = kind.key_columns[0].header
    for record, value in zip(records, keys, strict=True):
        if value is None:
            continue
        if value in first:
            result.error(record["_row"], header, f"与第{first[value]}行重复（{kind.key_description}相同）")
        else:
            first[value] = record["_row"]



# ----------------------------------------------------------------------------------------------------
# Lookups shared by the kinds

def region_check(record: Record, scope: Scope, result: Validation, header: str = "所属区域") -> Region | None:
    text = record.get("region")
    if text is None or "region" in record["_bad"]:
        return None
    region = scope.names.get(text, False)
    if region is False:
        region = scope.wider_names.get(text, False)
    if region is None:
        result.error(record["_row"], header, f"区域“{text}”不唯一，请填写区划代码")
        return None
    if not isinstance(region, Region):
        result.error(record["_row"], header, f"未知区域“{text}”")
        return None
    if not scope.allows(region.path):
        result.error(record["_row"], header, scope.refusal(region.name))
        return None
    return region


def field_taker(names: Iterable[str], present: frozenset[str]) -> Callable[[Record], dict[str, Any]]:
    """record -> {name: value} for those of `names` the record has (its file's columns, less blank
    cells), taken in C when the row is full. Only for records without a failed cell."""
    taken = [n for n in names if n in present]
    if not taken:
        return lambda record: {}
    if len(taken) == 1:
        only = taken[0]
        return lambda record: {only: record[only]} if only in record else {}
    getter = itemgetter(*taken)

    def take(record: Record) -> dict[str, Any]:
        try:
            return dict(zip(taken, getter(record), strict=True))
        except KeyError:  # a blank cell
            return {name: record[name] for name in taken if name in record}

    return take


def new_row_required_check(kind: ImportKind, record: Record, result: Validation) -> bool:
    """A row that creates a record must fill the kind's required columns (an update may leave them
    blank or out: the stored values stay). Adds the row's errors; True when it has them all."""
    complete = True
    for column in kind.columns:
        if column.required and not column.key and column.field not in record and column.field not in record["_bad"]:
            complete = False
            result.error(record["_row"], column.header,
                         "不能为空" if column.field in result.fields else "新增记录须填写此列（文件中没有此列）")
    return complete



def table_validate(kind: ImportKind, table: Table, user: Any) -> Validation:
    """Every problem of the file, and the rows to write when there is none."""
    result = Validation(kind=kind)
    records = records_parse(kind, table, result)
    if records:
        kind.check(kind, records, scope_for(user), result)
    result.sort()
    if result.errors:
        result.rows, result.row_numbers = [], []
    return result
