"""Documents and their dated parameters, compiled once from YAML into sorted date tables.

A data file is one document: its id, title, seed file, status (final / draft), period (start, or a start
that is a setting; end), combination principle, and parameters. Each parameter has a unit, the clause it
comes from, its text, and `values` keyed by the date each takes effect (`start` = the document's start;
`null` ends a value). `setting: true` marks a number the document leaves open: its value comes from the
installation's settings (`<document>.<parameter>`), and until then a rule reading it raises
MissingSetting. `placeholder: <why>` on a setting that does carry values marks them as borrowed (another
county's published scheme, say): they are used, and every result that read them says so, until a
setting replaces them. Reading a parameter on a day is one bisect.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

Table = dict[str, Decimal]
Tiers = tuple[tuple[Decimal, Decimal], ...]  # (lower bound, value), ascending
ParamValue = Decimal | Table | Tiers

DEFAULT_PRINCIPLE = "highest_only"
# The combination principles evaluation.PRINCIPLES implements (checked there), named by the data files.
PRINCIPLE_NAMES = ("highest_only", "stack_capped")


class RulebookDataError(Exception):
    """A data file or a setting is malformed; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # "<document>.<key>"
    key: str
    document: str
    unit: str
    clause: str
    setting: bool
    note: str
    label: str  # what an officer reads for it ("规上企业各指标权重"); the key where the file gives none
    placeholder: str  # why the values are borrowed until a setting replaces them; "" when they are not
    starts: tuple[int, ...]  # ordinals, ascending
    values: tuple[ParamValue | None, ...]
    start_isos: tuple[str, ...]  # the same dates as text, for the trace
    # One read-only trace row per dated value (index -1: read before the first value), built once
    # at load so a case only appends references.
    trace_rows: tuple[dict[str, Any], ...]

    def at(self, ordinal: int) -> tuple[ParamValue | None, int]:
        """The value in force on the day and the index of its start (-1: before the first value)."""
        index = bisect.bisect_right(self.starts, ordinal) - 1
        if index < 0:
            return None, -1
        return self.values[index], index


@dataclass(frozen=True, slots=True)
class Combination:
    """How the awards of one matter combine under a document (its data file's `combination`)."""

    principle: str  # a name of evaluation.PRINCIPLES
    clause: str
    cap_parameter: str = ""  # stack_capped: the parameter capping the stacked awards
    stacked: str = "可叠加补助"  # stack_capped: what stacks, as explanations name it ("技改补助")
    per: str = "单个事项"  # stack_capped: what the cap is per, as explanations name it ("单个项目")


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    title: str
    source: str
    status: str
    start: date
    end: date | None
    start_is_setting: bool
    start_note: str
    period_clause: str
    combination: Combination
    parameters: dict[str, Parameter]
    start_ordinal: int
    end_ordinal: int
    short: str  # the seed number, "001"
    period_label: str
    assumption: str

    def in_force(self, ordinal: int) -> bool:
        return self.start_ordinal <= ordinal <= self.end_ordinal


def to_decimal(raw: object, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise RulebookDataError(f"{where}: 数值无效 {raw!r}")
    try:
        return Decimal(str(raw))
    except InvalidOperation as exc:
        raise RulebookDataError(f"{where}: 数值无效 {raw!r}") from exc


def tier_keys(raw: object) -> tuple[str, str] | None:
    """The (bound, value) keys of tiers written as [{min_…: bound, …: value}], or None for other values.
    The bound is the key that starts with "min_": {min_revenue, amount} (subsidy tiers), {min_score,
    grade} or {min_mu, weight} (evaluation cut-offs and weights) alike."""
    if not isinstance(raw, list) or not raw or not isinstance(raw[0], Mapping) or len(raw[0]) != 2:
        return None
    bounds = [str(k) for k in raw[0] if str(k).startswith("min_")]
    if len(bounds) != 1:
        return None
    value = next(str(k) for k in raw[0] if str(k) != bounds[0])
    return bounds[0], value


def value_compile(raw: object, where: str) -> ParamValue | None:
    """A number, a table {key: number} or tiers [{min_…: bound, …: value}] (sorted by bound)."""
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        return {str(k): to_decimal(v, f"{where}.{k}") for k, v in raw.items()}
    if isinstance(raw, list):
        keys = tier_keys(raw)
        if keys is None:
            raise RulebookDataError(f"{where}: 分档须为 [{{min_下限名: 下限, 取值名: 取值}}] 列表")
        tiers: list[tuple[Decimal, Decimal]] = []
        for item in raw:
            if not isinstance(item, Mapping) or set(item) != set(keys):
                raise RulebookDataError(f"{where}: 每一档须有且只有 {keys[0]}、{keys[1]} 两项")
            tiers.append((to_decimal(item[keys[0]], where), to_decimal(item[keys[1]], where)))
        return tuple(sorted(tiers))
    return to_decimal(raw, where)


def value_json(value: ParamValue | None, keys: tuple[str, str] | None = None) -> Any:
    """A parameter value as the trace shows it (Decimals stay Decimal; tiers with their own keys)."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, dict):
        return dict(value)
    bound, shown = keys or ("min", "value")
    return [{bound: low, shown: amount} for low, amount in value]


def as_date(raw: object, where: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise RulebookDataError(f"{where}: 日期无效 {raw!r}") from exc
    raise RulebookDataError(f"{where}: 日期无效 {raw!r}")


def _trace_rows(
    name: str, unit: str, clause: str, setting: bool, ordered: list[tuple[date, ParamValue | None]],
    keys: tuple[str, str] | None, placeholder: str = "", label: str = "",
) -> tuple[dict[str, Any], ...]:
    """`setting`: the value is the installation's (an administrator's), not the document's;
    `placeholder`: why it is borrowed, and `label`: its name for officers (each only present when given)."""
    marks: dict[str, Any] = {"setting": setting, **({"placeholder": placeholder} if placeholder else {}),
                             **({"label": label} if label else {})}
    rows = [
        {"parameter": name, "value": value_json(value, keys), "effective": day.isoformat(), "unit": unit,
         "clause": clause, **marks}
        for day, value in ordered
    ]
    rows.append({"parameter": name, "value": None, "effective": None, "unit": unit, "clause": clause, **marks})
    return tuple(rows)  # rows[-1] answers index -1


def _combination(raw: Mapping[str, Any], origin: str, parameters: Mapping[str, Parameter]) -> Combination:
    combination = Combination(
        principle=str(raw.get("principle", DEFAULT_PRINCIPLE)),
        clause=str(raw.get("clause", "")),
        cap_parameter=str(raw.get("cap_parameter", "")),
        stacked=str(raw.get("stacked", "可叠加补助")),
        per=str(raw.get("per", "单个事项")),
    )
    if combination.principle not in PRINCIPLE_NAMES:
        raise RulebookDataError(f"{origin}: 未知的组合原则 combination.principle {combination.principle!r}"
                                f"（可选：{'、'.join(PRINCIPLE_NAMES)}）")
    if combination.principle == "stack_capped" and combination.cap_parameter not in parameters:
        raise RulebookDataError(f"{origin}: combination.cap_parameter {combination.cap_parameter!r} 不是本文件的参数")
    return combination


def document_compile(raw: Mapping[str, Any], settings: Mapping[str, object], origin: str) -> Document:
    """One data file's document, with the settings that fill its open parameters and start date."""
    doc_id = str(raw["id"])
    period = raw["period"]
    start_setting = period.get("start_setting")
    start_is_setting = period.get("start") is None
    if start_is_setting:
        if not start_setting:
            raise RulebookDataError(f"{origin}: period.start 为空但没有 start_setting")
        start = as_date(settings.get(f"{doc_id}.start", start_setting["default"]), f"{doc_id}.start")
    else:
        start = as_date(period["start"], f"{origin} period.start")
    end = as_date(period["end"], f"{origin} period.end") if period.get("end") else None

    parameters: dict[str, Parameter] = {}
    for key, spec in raw["parameters"].items():
        name = f"{doc_id}.{key}"
        dated: dict[date, ParamValue | None] = {}
        keys = next((found for v in spec["values"].values() if (found := tier_keys(v))), None)
        for when, value in spec["values"].items():
            day = start if when == "start" else as_date(when, name)
            dated[day] = value_compile(value, name)
        is_setting = bool(spec.get("setting", False))
        placeholder = str(spec.get("placeholder") or "")
        if placeholder and not is_setting:
            raise RulebookDataError(f"{name}: 占位值（placeholder）须是设置项（setting: true）")
        if name in settings:
            if not is_setting:
                raise RulebookDataError(f"{name} 不是设置项，不能覆盖文件中的数值")
            first = min(dated)
            dated = {first: value_compile(settings[name], name)}
            keys = tier_keys(settings[name]) or keys
            placeholder = ""
        ordered = sorted(dated.items())
        parameters[key] = Parameter(
            name=name,
            key=key,
            document=doc_id,
            unit=str(spec.get("unit", "")),
            clause=str(spec.get("clause", "")),
            setting=is_setting,
            note=str(spec.get("note", spec.get("text", ""))),
            label=str(spec.get("label") or key),
            placeholder=placeholder,
            starts=tuple(day.toordinal() for day, _ in ordered),
            values=tuple(value for _, value in ordered),
            start_isos=tuple(day.isoformat() for day, _ in ordered),
            trace_rows=_trace_rows(name, str(spec.get("unit", "")), str(spec.get("clause", "")), is_setting,
                                   ordered, keys, placeholder, str(spec.get("label") or "")),
        )
    short = doc_id.rsplit("-", 1)[-1]
    return Document(
        id=doc_id,
        title=str(raw["title"]),
        source=str(raw["source"]),
        status=str(raw["status"]),
        start=start,
        end=end,
        start_is_setting=start_is_setting,
        start_note=str((start_setting or {}).get("note", "")),
        period_clause=str(period.get("clause", "")),
        combination=_combination(raw.get("combination") or {}, origin, parameters),
        parameters=parameters,
        start_ordinal=start.toordinal(),
        end_ordinal=end.toordinal() if end else date.max.toordinal(),
        short=short,
        period_label=(
            f"{start.isoformat()}{'（设置值，假设）' if start_is_setting else ''}至"
            f"{end.isoformat() if end else '未规定截止'}"
        ),
        assumption=(
            f"{short}《{raw['title']}》为{'征求意见稿' if raw['status'] == 'draft' else '正式文件'}，"
            f"执行起始日文件未载明，按设置取{start.isoformat()}（假设）。"
        ),
    )


@dataclass(frozen=True)
class DocumentSet:
    documents: dict[str, Document]
    version: str  # sha256 of the data files and the settings: stored with every result
    settings: dict[str, object] = field(default_factory=dict)


def documents_load(directory: Path, settings: Mapping[str, object] | None = None) -> DocumentSet:
    """Read and compile every `*.yaml` in `directory`. `settings` fills parameters a document leaves
    open (`<document>.<parameter>`) and an undated document's start (`<document>.start`); a setting
    naming nothing open is an error."""
    settings = dict(settings or {})
    digest = hashlib.sha256()
    documents: dict[str, Document] = {}
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + text + b"\0")
        raw = yaml.safe_load(text)
        document = document_compile(raw, settings, path.name)
        documents[document.id] = document
    for key in settings:
        doc_id, _, param = key.partition(".")
        if doc_id not in documents or (param != "start" and param not in documents[doc_id].parameters):
            raise RulebookDataError(f"未知设置项 {key}")
    digest.update(repr(sorted((k, str(v)) for k, v in settings.items())).encode())
    return DocumentSet(documents=documents, version=digest.hexdigest()[:16], settings=settings)
