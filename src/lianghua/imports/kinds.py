"""What an import kind is: its columns, its checks and its writer, declared once by the app that owns its
rows (`<app>/import_kinds.py`, found by `import_kinds()` as the admin finds `admin.py`).

The template writer, the reader, the validator, docs/imports.md and the import page all read these
declarations, so a header, a unit, an allowed value or a threshold is stated exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from .validation import Scope, Validation

# Column types. The reader coerces every cell by its column's type (python-calamine returns whole
# numbers as floats and dates as date/datetime; CSV gives text).
TEXT = "text"
CREDIT_CODE = "credit_code"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"
DATE = "date"
MONTH = "month"
CHOICE = "choice"

TYPE_LABELS = {
    TEXT: "文本",
    CREDIT_CODE: "18位统一社会信用代码（文本）",
    INTEGER: "整数",
    DECIMAL: "数字",
    BOOLEAN: "是/否",
    DATE: "日期（2025-03-01、2025/3/1 或 2025年3月1日）",
    MONTH: "月份（2025-03）",
    CHOICE: "从下拉列表选择",
}

YES_NO = ("是", "否")


def choices_of(model_choices: list[tuple[str, str]]) -> dict[str, str]:
    """A model field's choices as an import column reads them: shown label -> stored value."""
    return {label: value for value, label in model_choices}


@dataclass(frozen=True)
class StoredChoices:
    """Allowed values kept in the database rather than in code (credential kinds): read when a template is
    written or a file is checked, so a kind added to the data files is accepted at once."""

    shown: Callable[[], dict[str, str]]  # the values a person picks (the template's list) -> stored value
    also: Callable[[], dict[str, str]] = dict  # other accepted spellings (codes) -> stored value
    described: str = ""  # the list as the docs name it


@dataclass(frozen=True)
class Column:
    field: str  # the model field (or a pseudo-field the check resolves: credit_code, region, industry)
    header: str  # exactly the Chinese header of issue 2 §3
    type: str
    required: bool = False
    unit: str = ""
    key: bool = False  # part of the row's identity: re-importing the same key updates the row
    choices: Mapping[str, str] | StoredChoices | None = None  # shown value -> stored value
    minimum: str | None = None  # decimal/integer lower bound (as text, to stay Decimal-exact)
    maximum: str | None = None
    max_length: int | None = None  # text columns: the model field's length
    note: str = ""
    width: int = 14  # template column width in characters
    stored: str = ""  # the model attname the column writes, when not `field` (region -> region_id)
    # Unit slips (元 typed where 万元 is asked): a figure from `slip_at` on is an error, from `warn_at`
    # (below `slip_at`) a warning to check.
    slip_at: Decimal | None = None
    warn_at: Decimal | None = None


# check(kind, records, scope, result): resolves references, adds row errors and the rows to write.
KindCheck = Callable[["ImportKind", list[dict[str, Any]], "Scope", "Validation"], None]
# column_check(kind, columns, extremes, numbers, result): a check across parsed columns (warnings).
ColumnCheck = Callable[["ImportKind", dict[str, list[Any]], dict[str, tuple[Any, Any]], list[int], "Validation"], None]


@dataclass(frozen=True)
class ImportKind:
    code: str
    name: str
    order: int  # the kind's place in lists, forms and docs (the order in which a region loads its data)
    columns: tuple[Column, ...]
    key_description: str
    check: KindCheck
    write: Callable[..., Any]  # the owning app's bulk service: write(rows=…, by=…, import_batch=…)
    note: str = ""
    column_check: ColumnCheck | None = None
    # What the import page says of its unit-slip rules: (blocked, warned) sentence parts.
    slip_rules: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    # Columns the list's export adds for reading (企业名称 beside a project's credit code…): an import
    # skips them, so an exported list imports back as it is.
    read_only_headers: tuple[str, ...] = ()
    # The model the rows land in: a numeric column's cells must fit its field (`field_ceiling`).
    model: type | None = None
    headers: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", tuple(c.header for c in self.columns))

    @property
    def key_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.key)

    def column(self, field_name: str) -> Column:
        return next(c for c in self.columns if c.field == field_name)

    def column_of_attname(self, attname: str) -> Column | None:
        """The column that writes a model attname (a change the dry run lists), if any."""
        return next((c for c in self.columns if (c.stored or c.field) == attname), None)


_declared: dict[str, ImportKind] = {}
_discovered = False


def import_kind_declare(kind: ImportKind) -> ImportKind:
    """Declare a kind (from its app's import_kinds module); a code declared twice is a programming error."""
    if kind.code in _declared and _declared[kind.code] is not kind:
        raise ValueError(f"import kind {kind.code!r} declared twice")
    _declared[kind.code] = kind
    return kind


def import_kinds() -> dict[str, ImportKind]:
    """Every declared kind by code, in their order. The apps' import_kinds modules are imported on first
    use (the imports app knows none of them by name)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("import_kinds")
        _discovered = True
    return dict(sorted(_declared.items(), key=lambda item: item[1].order))


def import_kind(code: str) -> ImportKind:
    """The kind by its code; KeyError with the valid codes in Chinese otherwise."""
    kinds = import_kinds()
    try:
        return kinds[code]
    except KeyError:
        raise KeyError(f"未知的导入类型“{code}”，可选：{'、'.join(kinds)}") from None
