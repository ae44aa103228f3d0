"""Checking an import file before anything is written: every problem of every row, each as
`第N行 [列名] 原因` (N is the row number the user sees in the spreadsheet; the header is row 1).

The checks run in bulk: one query per lookup table (regions, industries, credential kinds, the
enterprises and projects the file names, the stored monthly reports of those projects), never one per
row. The output is the list of errors and warnings and, for a clean file, the rows in the shape the
bulk services of enterprises/ and projects/ take.
"""

import datetime
import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import compress, count, pairwise
from operator import itemgetter
from typing import Any, NamedTuple

from xlsxwriter.utility import xl_col_to_name  # 0 -> A, 26 -> AA: the column as the spreadsheet labels it

from lianghua.core.bulk import FETCH_CHUNK, chunks, where_in
from lianghua.enterprises.credit_code import credit_code_problem
from lianghua.enterprises.models import CredentialKind, Enterprise, Industry
from lianghua.projects.models import Project, ProjectProgress
from lianghua.projects.stages import FIELD_LABELS, STAGE_BY_CODE, stage_missing_fields
from lianghua.regions.models import Region
from lianghua.regions.selectors import home_region, region_lookup_table

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
)
from .registry import (
    BOOLEAN,
    CHOICE,
    CHOICES_FROM_DB,
    CREDIT_CODE,
    DATE,
    DECIMAL,
    INTEGER,
    MONTH,
    TEXT,
    Column,
    ImportKind,
)

# Unit slips: a figure typed in 元 where the column asks for 万元 is 10,000 times too large. These
# thresholds lie far above any real value and far below the slipped one (docs/imports.md).
REVENUE_YUAN_SLIP_WAN = Decimal("100000000")  # an enterprise's yearly figure ≥ 1 万亿元
PROJECT_INVESTMENT_YUAN_SLIP_WAN = Decimal("10000000")  # one project's investment ≥ 1000 亿元
PROGRESS_YUAN_SLIP_RATIO = Decimal("1000")  # cumulative completed investment > 1000 × total investment
PROGRESS_OVERRUN_RATIO = Decimal("1.5")  # above this × total investment: a warning, not an error
YUAN_HINT = "疑似以元为单位填写，应为万元"
YEAR_MONEY = ("revenue_wan", "value_added_wan", "tax_wan", "rd_wan")
PROJECT_MONEY = ("total_investment_wan", "equipment_investment_wan", "it_investment_wan", "civil_investment_wan")
YUAN_SLIP_AT = {  # (kind, column) -> the 万元 figure from which a value is taken as typed in 元
    **{("enterprise-years", name): REVENUE_YUAN_SLIP_WAN for name in YEAR_MONEY},
    **{("projects", name): PROJECT_INVESTMENT_YUAN_SLIP_WAN for name in PROJECT_MONEY},
}
# Likely slips, below the thresholds above: warnings (a real outlier must still import). No seed gives
# these numbers; we chose them. A real manufacturer's money per employee or per 亩 lies around 10^1–10^3
# 万元 and a figure typed in 元 is 10^4 times that, so the limits sit between the two.
MONEY_PER_EMPLOYEE_WARN_WAN = Decimal("10000")  # enterprise-year money per average employee (1亿元/人)
MONEY_PER_MU_WARN_WAN = Decimal("100000")  # enterprise-year money per 亩 of land (10亿元/亩)
PROJECT_MONEY_WARN_WAN = Decimal("100000")  # one project's investment ≥ 10亿元, rare for a renovation
YUAN_WARN_AT = {("projects", name): PROJECT_MONEY_WARN_WAN for name in PROJECT_MONEY}
YUAN_CHECK_HINT = "请核实是否按元填报（应为万元）"


def yuan_rule_note() -> str:
    """The 元/万元 rule as the import page states it, from the numbers above."""
    return (f"金额单位为万元。明显按元填写的金额会被拦下：企业年度金额≥{REVENUE_YUAN_SLIP_WAN:,}万元、"
            f"项目投资≥{PROJECT_INVESTMENT_YUAN_SLIP_WAN:,}万元、累计完成投资超过总投资{PROGRESS_YUAN_SLIP_RATIO}倍。"
            f"可能按元填写的会提醒核实，不影响导入：企业年度金额折合每名职工≥{MONEY_PER_EMPLOYEE_WARN_WAN:,}万元"
            f"或每亩≥{MONEY_PER_MU_WARN_WAN:,}万元、项目投资≥{PROJECT_MONEY_WARN_WAN:,}万元。")

_FAILED = object()  # a cell that could not be read
NO_FAILED_CELLS: frozenset[str] = frozenset()
_STORED = (None, None)  # (value, file row) of a month not in the file

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
    kind: ImportKind
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # ready for the bulk service
    rows_total: int = 0
    fields: frozenset[str] = frozenset()  # the fields whose columns the file has

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowProblem(row, column, message))

    def warn(self, row: int, column: str, message: str) -> None:
        self.warnings.append(RowProblem(row, column, message))

    def sort(self) -> None:
        order = {c.header: i for i, c in enumerate(self.kind.columns)}
        self.errors.sort(key=lambda p: (p.row, order.get(p.column, -1)))
        self.warnings.sort(key=lambda p: (p.row, order.get(p.column, -1)))


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
        return f"{region_name}不在您的管辖范围（{self.region.name}）内"

    def not_found(self, what: str) -> str:
        """A record the row refers to that is unknown or outside the user's region: one message for both,
        so an error never tells what exists elsewhere, nor whose it is or where."""
        if self.region is None:
            return f"未找到{what}"
        return f"在您的管辖范围（{self.region.name}）内未找到{what}"


def scope_for(user) -> Scope:
    own = None if user.is_administrator else user.region
    names = region_lookup_table(within=user.region or home_region())
    wider = region_lookup_table(within=home_region()) if user.region is not None else names
    return Scope(region=own, names=names, wider_names=wider)


# ----------------------------------------------------------------------------------------------------
# Cells

def _db_choices(column: Column) -> dict[str, str]:
    if column.field == "kind":  # credentials: the kinds of data/reference/credential_kinds.csv
        choices = {}
        for kind in CredentialKind.objects.filter(disabled_on__isnull=True):
            choices[header_normalize(kind.name)] = str(kind.pk)
            choices[kind.code] = str(kind.pk)
        return choices
    raise ValueError(column.field)


def choice_values(column: Column) -> list[str]:
    """The values a person may pick for an enumerated column, as the template's list shows them."""
    if column.type == BOOLEAN:
        return ["是", "否"]
    if column.choices == CHOICES_FROM_DB:
        return list(CredentialKind.objects.filter(disabled_on__isnull=True).values_list("name", flat=True))
    return list(column.choices or {})


def _choice_lookup(column: Column) -> dict[str, str]:
    if column.choices == CHOICES_FROM_DB:
        return _db_choices(column)
    lookup = {header_normalize(k): v for k, v in column.choices.items()}
    # 国家/省/市/县 without 级 are common too.
    lookup.update({header_normalize(k).removesuffix("级"): v for k, v in column.choices.items() if k.endswith("级")})
    return lookup


def _bounds_message(column: Column, value) -> str | None:
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
    return None


_TEXT_CELLS = {str, type(None)}


def _column_coerce(coerce: Callable[[Any], Any], raw: list) -> list:
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
                if all(map(Decimal.is_finite, values)):
                    return values
        if len(distinct) * 2 <= len(raw):
            coerced = {cell: coerce(cell) for cell in distinct}
            return list(map(coerced.__getitem__, raw))
    return list(map(coerce, raw))


def _numbers_check(kind: ImportKind, column: Column, values: list, numbers: list[int],
                   fail: Callable[[int, Column, str], None], result: "Validation") -> tuple[Any, Any] | None:
    """A numeric column's bounds and unit slip (元 typed for 万元); returns its least and greatest value
    (None for a column without one). These are found in C; the cells are looked at one by one only when
    one of them is out of range."""
    present = [v for v in values if v is not None and v is not _FAILED]
    if not present:
        return None
    lowest, highest = min(present), max(present)
    low = Decimal(column.minimum) if column.minimum is not None else None
    high = Decimal(column.maximum) if column.maximum is not None else None
    if (low is not None and lowest < low) or (high is not None and highest > high):
        for position in [p for p, v in enumerate(values) if v is not None and v is not _FAILED
                         and ((low is not None and v < low) or (high is not None and v > high))]:
            fail(position, column, _bounds_message(column, values[position]))
    slip = YUAN_SLIP_AT.get((kind.code, column.field))
    if slip is not None and highest >= slip:
        for position in [p for p, v in enumerate(values) if v is not None and v is not _FAILED and v >= slip]:
            result.error(numbers[position], column.header, f"{values[position]}万元过大，{YUAN_HINT}")
    warn_at = YUAN_WARN_AT.get((kind.code, column.field))
    if warn_at is not None and highest >= warn_at:
        for position in [p for p, v in enumerate(values) if v is not None and v is not _FAILED
                         and warn_at <= v and (slip is None or v < slip)]:
            value = values[position]
            result.warn(numbers[position], column.header,
                        f"{_plain(value)}万元即{_plain(value / 10000)}亿元，{YUAN_CHECK_HINT}")
    return lowest, highest


YEAR_MONEY_DIVISORS = (  # (field, limit in 万元 per unit, unit)
    ("employees", MONEY_PER_EMPLOYEE_WARN_WAN, "人"),
    ("land_mu", MONEY_PER_MU_WARN_WAN, "亩"),
)


def year_money_per_unit_check(kind: ImportKind, columns: dict[str, list], extremes: dict[str, tuple],
                              numbers: list[int], result: "Validation") -> None:
    """Enterprise-year money per employee and per 亩 beyond any real manufacturer: a warning at the
    figure. A money column is looked at only when its greatest value reaches the limit times the least
    divisor in the file; then the figures that reach it are picked in C and only those are divided."""
    divisors = []  # (values, limit, unit, the least figure that can reach the limit)
    for name, limit, unit in YEAR_MONEY_DIVISORS:
        if name not in extremes:
            continue
        values, least = columns[name], extremes[name][0]
        if least <= 0:  # 0 人 or 0 亩 says nothing about the money: the least above it
            least = min((v for v in values if v is not None and v is not _FAILED and v > 0), default=None)
            if least is None:
                continue
        divisors.append((values, limit, unit, limit * least))
    for name in YEAR_MONEY:
        if name not in extremes:
            continue
        values, slip, header = columns[name], YUAN_SLIP_AT[(kind.code, name)], kind.column(name).header
        measures: dict[int, list[str]] = defaultdict(list)  # position -> 每人…万元, 每亩…万元
        for divisor_values, limit, unit, reach in divisors:
            if extremes[name][1] < reach:
                continue
            # reach <= None or <= a failed cell is NotImplemented, which counts as true: checked next.
            for position in [p for p in compress(count(), map(reach.__le__, values))
                             if (v := values[p]) is not None and v is not _FAILED and v < slip
                             and (d := divisor_values[p]) is not None and d is not _FAILED and d > 0 and v >= limit * d]:
                measures[position].append(f"每{unit}{values[position] / divisor_values[position]:.0f}万元")
        for position in sorted(measures):
            result.warn(numbers[position], header, f"{_plain(values[position])}万元折合{'、'.join(measures[position])}，"
                                                   f"远超实际企业水平，{YUAN_CHECK_HINT}")


COLUMN_CHECKS = {  # kind -> a check across columns, run on the parsed columns
    "enterprise-years": year_money_per_unit_check,
}


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
    known = {header_normalize(c.header) for c in kind.columns}
    for index, header in enumerate(table.headers):
        if not header:
            if _column_has_data(table, index):
                result.error(1, f"{xl_col_to_name(index)}列", "此列有数据但没有列名（请填写模板中的列名，或删除此列）")
        elif header not in known and seen[header] == index and not (index == 0 and header == ROW_NUMBER_HEADER):
            result.error(1, header, _unknown_column_message(kind, header))
    return seen


def records_parse(kind: ImportKind, table: Table, result: Validation) -> list[dict[str, Any]]:
    """Each data row as {field: coerced value, "_row": N, "_bad": {fields that failed}}; only columns
    present in the file appear (an absent optional column leaves stored values alone)."""
    positions: dict[str, int] = {}
    seen = headers_check(kind, table, result)
    for column in kind.columns:
        index = seen.get(header_normalize(column.header))
        if index is None:
            if column.required:
                result.error(1, column.header, "缺少此列（请使用导入模板）")
            continue
        positions[column.field] = index
    if result.errors:
        return []

    # Column by column: list comprehensions over a whole column cost a fraction of a per-cell loop, and
    # the per-cell path with its error messages runs only for a column that has a bad cell.
    numbers = [number for number, _ in table.rows]
    grid = [cells for _, cells in table.rows]
    # Rows of one width (every CSV written by a program, every calamine sheet) transpose in C.
    widths = set(map(len, grid))
    by_column = list(zip(*grid, strict=True)) if len(widths) == 1 else None
    fields, columns = ["_row"], [numbers]
    extremes: dict[str, tuple] = {}  # field -> (least, greatest) of a numeric column
    failed: list[tuple[int, str]] = []  # (position, field) of cells that did not pass

    def fail(position: int, column: Column, message: str) -> None:
        result.error(numbers[position], column.header, message)
        failed.append((position, column.field))

    for column in kind.columns:
        if column.field not in positions:
            continue
        index, coerce = positions[column.field], COERCE[column.type]
        if by_column is None:
            raw = [cells[index] if index < len(cells) else None for cells in grid]
        else:
            raw = list(by_column[index]) if index < len(by_column) else [None] * len(grid)
        try:
            values = _column_coerce(coerce, raw)
        except ValueError:
            values = []
            for position, cell in enumerate(raw):
                try:
                    values.append(coerce(cell))
                except ValueError as exc:
                    fail(position, column, str(exc))
                    values.append(_FAILED)
        if column.required:
            for position in [p for p, v in enumerate(values) if v is None]:
                fail(position, column, "不能为空")
        if column.type == CHOICE:
            lookup = _choice_lookup(column)
            values = [v if v is None or v is _FAILED else lookup.get(v) or lookup.get(header_normalize(v), _FAILED)
                      for v in values]
            wrong = [p for p, v in enumerate(values) if v is _FAILED and raw[p] not in (None, "")]
            allowed = "、".join(choice_values(column)) if wrong else ""
            for position in wrong:
                if (position, column.field) not in failed:
                    fail(position, column, f"“{cell_text(raw[position])}”不是可选值（可选：{allowed}）")
        elif column.max_length is not None:
            for position in [p for p, v in enumerate(values)
                             if v is not None and v is not _FAILED and len(v) > column.max_length]:
                fail(position, column, f"超过{column.max_length}个字")
        elif column.minimum is not None or column.maximum is not None:
            if found := _numbers_check(kind, column, values, numbers, fail, result):
                extremes[column.field] = found
        fields.append(column.field)
        columns.append(values)
    if kind.code in COLUMN_CHECKS:
        COLUMN_CHECKS[kind.code](kind, dict(zip(fields, columns, strict=True)), extremes, numbers, result)

    fields.append("_bad")  # shared; a record with a failed cell gets a set of its own
    columns.append([NO_FAILED_CELLS] * len(numbers))
    records = [dict(zip(fields, row, strict=True)) for row in zip(*columns, strict=True)]
    for position, name in failed:
        record = records[position]
        record["_bad"] = record["_bad"] | {name}
        record.pop(name, None)  # a cell that failed is absent, so no check reads a wrong value
    result.rows_total = len(table.rows)
    result.fields = frozenset(positions)
    return records


def duplicates_check(kind: ImportKind, records: list[dict], key: Callable[[dict], tuple | None],
                     result: Validation) -> None:
    """The same key twice in one file: the later row is the error."""
    keys = list(map(key, records))
    present = [k for k in keys if k is not None]
    if len(set(present)) == len(present):  # the usual file: no key twice, found in C
        return
    first: dict[tuple, int] = {}
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

class EnterpriseRef(NamedTuple):  # a tuple: 100,000 of them are built per file
    id: int
    region_path: str


def enterprises_by_credit_code(codes: Iterable[str]) -> dict[str, EnterpriseRef]:
    found = {}
    for chunk in chunks(sorted(set(codes)), FETCH_CHUNK):
        for code, pk, path in where_in(Enterprise.objects.all(), Enterprise, "credit_code", chunk).values_list(
                "credit_code", "id", "region__path"):
            found[code] = EnterpriseRef(pk, path)
    return found


def credit_code_check(record: dict, result: Validation, header: str = "统一社会信用代码") -> str | None:
    """The row's credit code when well-formed; otherwise an error and None."""
    if "credit_code" in record["_bad"]:
        return None
    code = record.get("credit_code")
    if code is None:
        return None
    problem = credit_code_problem(code)
    if problem:
        result.error(record["_row"], header, f"“{code}”{problem}")
        record["_bad"] = record["_bad"] | {"credit_code"}
        return None
    return code


def enterprise_verdicts(records: list[dict], scope: Scope) -> dict[str, EnterpriseRef | str]:
    """For each credit code the rows name: the stored, in-scope enterprise, or why not (the error of
    the 统一社会信用代码 column). Worked out once per code: a file of yearly figures names each
    enterprise several times."""
    codes = {r["credit_code"] for r in records if r.get("credit_code")}
    problems = {code: problem for code in codes if (problem := credit_code_problem(code))}
    known = enterprises_by_credit_code(codes - problems.keys())
    verdicts: dict[str, EnterpriseRef | str] = {}
    for code in codes:
        ref = known.get(code)
        if code in problems:
            verdicts[code] = f"“{code}”{problems[code]}"
        elif ref is None or not scope.allows(ref.region_path):
            verdicts[code] = scope.not_found(f"统一社会信用代码为“{code}”的企业（请先导入企业名录）")
        else:
            verdicts[code] = ref
    return verdicts


def enterprise_resolve(record: dict, verdicts: dict[str, EnterpriseRef | str],
                       result: Validation) -> EnterpriseRef | None:
    """The stored, in-scope enterprise the row's credit code names (years, credentials, levels, projects);
    otherwise the row's error and None."""
    code = record.get("credit_code")
    if code is None or "credit_code" in record["_bad"]:
        return None
    verdict = verdicts[code]
    if type(verdict) is str:
        result.error(record["_row"], "统一社会信用代码", verdict)
        return None
    return verdict


def region_check(record: dict, scope: Scope, result: Validation, header: str = "所属区域") -> Region | None:
    text = record.get("region")
    if text is None or "region" in record["_bad"]:
        return None
    region = scope.names.get(text, False)
    if region is False:
        region = scope.wider_names.get(text, False)
    if region is None:
        result.error(record["_row"], header, f"区域“{text}”不唯一，请填写区划代码")
        return None
    if region is False:
        result.error(record["_row"], header, f"未知区域“{text}”")
        return None
    if not scope.allows(region.path):
        result.error(record["_row"], header, scope.refusal(region.name))
        return None
    return region


def industries_lookup() -> dict[str, int]:
    table: dict[str, int] = {}
    for pk, code, name in Industry.objects.filter(disabled_on__isnull=True).values_list("id", "code", "name"):
        table[code.upper()] = pk
        table[code.upper().removeprefix("C")] = pk
        table[name] = pk
        table[f"{code} {name}".upper()] = pk
    return table


def _field_taker(names: Iterable[str], present: frozenset[str]) -> Callable[[dict], dict[str, Any]]:
    """record -> {name: value} for those of `names` the file has columns for, taken in C. Only for
    records without a failed cell (a failed cell is absent from its record)."""
    taken = [n for n in names if n in present]
    if not taken:
        return lambda record: {}
    if len(taken) == 1:
        only = taken[0]
        return lambda record: {only: record[only]}
    getter = itemgetter(*taken)
    return lambda record: dict(zip(taken, getter(record), strict=True))


# ----------------------------------------------------------------------------------------------------
# The kinds

# A row that would create what already exists outside the user's region: refused without saying whose.
OUTSIDE_SCOPE_CREDIT_CODE = "该统一社会信用代码已在您管辖范围以外登记，不能在此导入"


def enterprises_check(kind, records, scope, result):
    industries = industries_lookup()
    known = enterprises_by_credit_code(r["credit_code"] for r in records if r.get("credit_code"))
    duplicates_check(kind, records, lambda r: (r["credit_code"],) if r.get("credit_code") else None, result)
    for record in records:
        number = record["_row"]
        code = credit_code_check(record, result)
        region = region_check(record, scope, result)
        industry_id = None
        if record.get("industry") is not None:
            industry_id = industries.get(record["industry"].upper())
            if industry_id is None:
                result.error(number, "行业代码", f"未知行业代码“{record['industry']}”（应为 GB/T 4754 制造业大类，如 C34）")
        existing = known.get(code) if code else None
        if existing is not None and not scope.allows(existing.region_path):
            result.error(number, "统一社会信用代码", OUTSIDE_SCOPE_CREDIT_CODE)
        if code and region is not None and not record["_bad"]:
            row = {"credit_code": code, "name": record["name"], "region_id": region.pk}
            if "industry" in record:
                row["industry_id"] = industry_id
            result.rows.append(row)


YEAR_FIGURES = ("revenue_wan", "value_added_wan", "tax_wan", "employees", "land_mu", "energy_tce", "rd_wan")


def enterprise_years_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    duplicates_check(kind, records, lambda r: (r["credit_code"], r["year"])
                     if r.get("credit_code") and r.get("year") else None, result)
    figures = _field_taker(YEAR_FIGURES, result.fields)
    flags = [flag for flag in ("is_above_scale", "is_key_energy") if flag in result.fields]
    for record in records:
        ref = enterprise_resolve(record, verdicts, result)
        if ref is None or record.get("year") is None or record["_bad"]:
            continue
        row = figures(record)
        row["enterprise_id"], row["year"] = ref.id, record["year"]
        for flag in flags:
            row[flag] = bool(record[flag])
        result.rows.append(row)


def credentials_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    duplicates_check(kind, records, lambda r: (r["credit_code"], r["kind"], r["level"])
                     if r.get("credit_code") and r.get("kind") and r.get("level") else None, result)
    for record in records:
        ref = enterprise_resolve(record, verdicts, result)
        if ref is None or record["_bad"] & {"kind", "level", "granted_on"}:
            continue
        row = {"enterprise_id": ref.id, "kind_id": int(record["kind"]), "level": record["level"],
               "granted_on": record["granted_on"]}
        if "note" in record:
            row["note"] = record["note"] or ""
        result.rows.append(row)


def digital_levels_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    duplicates_check(kind, records, lambda r: (r["credit_code"], r["assessed_on"])
                     if r.get("credit_code") and r.get("assessed_on") else None, result)
    for record in records:
        ref = enterprise_resolve(record, verdicts, result)
        level = record.get("level")
        if level is not None and level != level.quantize(Decimal("0.1")):
            result.error(record["_row"], "数字化水平", f"最多保留一位小数（填的是{level}）")
            continue
        if ref is None or record["_bad"] & {"level", "assessed_on"}:
            continue
        result.rows.append({"enterprise_id": ref.id, "level": level, "assessed_on": record["assessed_on"],
                            "source": "import"})


PROJECT_FIELDS = ("name", "category", "subtype", *PROJECT_MONEY, "planned_start", "planned_end", "actual_start",
                  "actual_end", "accepted_on", "stage", "health", "energy_saved_tce", "co2_cut_t", "water_saved_t",
                  "robots_added")
LABEL_FIELDS = {label: name for name, label in FIELD_LABELS.items()}
DATE_ORDER = (  # (earlier, later, message at the later column)
    ("planned_start", "planned_end", "计划竣工日期早于计划开工日期"),
    ("actual_start", "actual_end", "实际竣工日期早于实际开工日期"),
    ("actual_end", "accepted_on", "验收日期早于实际竣工日期"),
)


def projects_check(kind, records, scope, result):
    verdicts = enterprise_verdicts(records, scope)
    project_fields = _field_taker(PROJECT_FIELDS, result.fields)
    stored_paths = {}  # project code -> region path of its enterprise
    codes = sorted({r["code"] for r in records if r.get("code")})
    for chunk in chunks(codes, FETCH_CHUNK):
        stored_paths.update(where_in(Project.objects.all(), Project, "code", chunk).values_list(
            "code", "enterprise__region__path"))
    duplicates_check(kind, records, lambda r: (r["code"],) if r.get("code") else None, result)
    for record in records:
        number = record["_row"]
        ref = enterprise_resolve(record, verdicts, result)
        if record.get("code") in stored_paths and not scope.allows(stored_paths[record["code"]]):
            result.error(number, "项目编号", f"项目编号“{record['code']}”已被使用，请换用其他编号")
        for earlier, later, message in DATE_ORDER:
            if record.get(earlier) and record.get(later) and record[later] < record[earlier]:
                result.error(number, FIELD_LABELS[later], f"{message}（{record[earlier].isoformat()}）")
        stage = record.get("stage")
        if stage is not None and "stage" not in record["_bad"]:
            for label in stage_missing_fields(stage, record):
                if LABEL_FIELDS[label] not in record["_bad"]:  # a cell that failed already has its error
                    result.error(number, label, f"项目阶段为“{STAGE_BY_CODE[stage].name}”时必填")
        if ref is None or record["_bad"] or not record.get("code"):
            continue
        row = project_fields(record)
        row["code"], row["enterprise_id"] = record["code"], ref.id
        if "subtype" in row:
            row["subtype"] = row["subtype"] or ""
        if "health" in row:
            row["health"] = row["health"] or Project.Health.NORMAL
        if "energy_saving_verified" in record:
            row["energy_saving_verified"] = bool(record["energy_saving_verified"])
        result.rows.append(row)


class ProjectRef(NamedTuple):
    id: int
    total_investment_wan: Decimal | None
    region_path: str


def progress_check(kind, records, scope, result):
    known: dict[str, ProjectRef] = {}
    codes = sorted({r["project_code"] for r in records if r.get("project_code")})
    for chunk in chunks(codes, FETCH_CHUNK):
        for code, pk, total, path in where_in(Project.objects.all(), Project, "code", chunk).values_list(
                "code", "id", "total_investment_wan", "enterprise__region__path"):
            known[code] = ProjectRef(pk, total, path)
    # What is stored for the same projects, to check the months around the file's months.
    series: dict[int, dict[datetime.date, tuple[Decimal, int | None]]] = defaultdict(dict)
    for chunk in chunks(sorted({p.id for p in known.values()}), FETCH_CHUNK):
        for project_id, month, value in where_in(ProjectProgress.objects.all(), ProjectProgress, "project_id",
                                                 chunk).values_list(
                "project_id", "month", "cumulative_investment_wan"):
            series[project_id][month] = (value, None)
    duplicates_check(kind, records, lambda r: (r["project_code"], r["month"])
                     if r.get("project_code") and r.get("month") else None, result)
    header = kind.column("cumulative_investment_wan").header
    # Per project, once: the stored in-scope project or why not; and the investment limits of its reports.
    verdicts: dict[str, ProjectRef | str] = {}
    for code in {r["project_code"] for r in records if r.get("project_code")}:
        ref = known.get(code)
        if ref is None or not scope.allows(ref.region_path):
            verdicts[code] = scope.not_found(f"项目“{code}”（请先导入项目）")
        else:
            verdicts[code] = ref
    limits = {ref.id: (total * PROGRESS_YUAN_SLIP_RATIO, total * PROGRESS_OVERRUN_RATIO)
              for ref in known.values() if (total := ref.total_investment_wan)}
    rows = result.rows
    for record in records:
        code = record.get("project_code")
        if code is None:
            continue
        ref = verdicts[code]
        if type(ref) is str:
            result.error(record["_row"], "项目编号", ref)
            continue
        value, month = record.get("cumulative_investment_wan"), record.get("month")
        months = series[ref.id]
        if value is None or month is None or months.get(month, _STORED)[1] is not None:
            continue  # a cell that failed, or the same month again (a duplicate row: already an error)
        number = record["_row"]
        if ref.id in limits:
            slip, overrun = limits[ref.id]
            total = ref.total_investment_wan
            if value > slip:
                result.error(number, header, f"{value}万元超过总投资（{total}万元）的{PROGRESS_YUAN_SLIP_RATIO}倍，"
                                             f"{YUAN_HINT}")
                continue
            if value > overrun:
                result.warn(number, header, f"超过总投资（{total}万元）的{PROGRESS_OVERRUN_RATIO}倍，请核实")
        months[month] = (value, number)
        rows.append({"project_id": ref.id, "month": month, "cumulative_investment_wan": value})
    # Cumulative figures never go down: compare each file row with the nearest month before it, and
    # with the nearest stored month after it (a later file row is compared when its own turn comes).
    for months in series.values():
        ordered = sorted(months.items())
        for (prev_month, (prev_value, _)), (_month, (value, number)) in pairwise(ordered):
            if number is not None and value < prev_value:
                result.error(number, header, f"累计完成投资低于{prev_month:%Y-%m}的{_plain(prev_value)}万元（累计数不应减少）")
        for (_month, (value, number)), (next_month, (next_value, next_number)) in pairwise(ordered):
            if number is not None and next_number is None and value > next_value:
                result.error(number, header,
                             f"累计完成投资高于已报的{next_month:%Y-%m}的{_plain(next_value)}万元（累计数不应减少）")


def _plain(value: Decimal) -> str:
    """120.0000 -> 120, 12.5000 -> 12.5 (stored decimals carry 4 places)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def activities_check(kind, records, scope, result):
    resolved = {}
    for record in records:
        region = region_check(record, scope, result)
        if region is not None:
            resolved[record["_row"]] = region
    duplicates_check(kind, records, lambda r: (r["date"], resolved[r["_row"]].pk, r["title"])
                     if r.get("date") and r["_row"] in resolved and r.get("title") else None, result)
    for record in records:
        region = resolved.get(record["_row"])
        if region is None or record["_bad"]:
            continue
        row = {"date": record["date"], "region_id": region.pk, "title": record["title"], "kind": record["kind"]}
        if "attendance" in record:
            row["attendance"] = record["attendance"]
        result.rows.append(row)


CHECKS = {
    "enterprises": enterprises_check,
    "enterprise-years": enterprise_years_check,
    "credentials": credentials_check,
    "digital-levels": digital_levels_check,
    "projects": projects_check,
    "progress": progress_check,
    "activities": activities_check,
}


def table_validate(kind: ImportKind, table: Table, user) -> Validation:
    """Every problem of the file, and the rows to write when there is none."""
    result = Validation(kind=kind)
    records = records_parse(kind, table, result)
    if records:
        CHECKS[kind.code](kind, records, scope_for(user), result)
    result.sort()
    if result.errors:
        result.rows = []
    return result
