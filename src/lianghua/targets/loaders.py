"""Load indicators and plans from data/ (data/indicators.yaml, data/plans/*.yaml).

Both loaders are idempotent upserts on the natural keys (Indicator.code; Plan.code; Target's
plan × indicator × region × year × basis) run in one transaction. Every file is read and validated
before anything is written: a bad file changes nothing and raises `PlanDataError` listing every problem
(unknown region or indicator, duplicate target, malformed cell, year outside the plan...).
Plan file format and the readings behind each target: docs/plans.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from lianghua.audit.services import change_records_bulk, snapshot
from lianghua.enterprises.models import CredentialKind, Industry
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve

from .computations import COMPUTATIONS
from .models import Indicator, KeyIndustry, Plan, Target

INDICATOR_FIELDS = {"code", "name", "unit", "computation", "params", "better", "additive", "description",
                    "source", "order", "disabled_on"}
PLAN_FIELDS = {"code", "name", "issuer", "doc_number", "issued_on", "effective_from", "effective_to",
               "start_year", "end_year", "region", "source_file", "notes", "status", "assumptions"}
PLAN_FILE_KEYS = {"plan", "region_names", "tables", "targets", "annotations"}
DIMENSIONS = ("indicator", "region", "year")
# What a target may add to its figure: a change target's base year, an industry, its 责任单位.
TARGET_EXTRAS = {"measure", "base_year", "industry", "responsible"}
TABLE_KEYS = {"source", "basis", "columns", "rows", "cells", "note", "comparator", *DIMENSIONS, *TARGET_EXTRAS}
TARGET_KEYS = {"indicator", "region", "year", "basis", "value", "comparator", "stretch_value", "source", "note",
               *TARGET_EXTRAS}
MEASURES = {"level", "change"}
STATUSES = {"issued", "draft"}
ANNOTATION_KEYS = {"indicator", "region", "year", "basis", "note"}
BASES = {"annual", "cumulative"}
COMPARATORS = {"gte", "lte", "eq"}
# A published cell: a number, optionally "%", optionally "以上" (at least); "?" = unreadable.
CELL = re.compile(r"^(?P<number>-?\d+(?:\.\d+)?)(?P<percent>%?)(?P<above>以上)?$")
UNREADABLE = "?"


class PlanDataError(ValueError):
    """A data file under data/ is invalid; `errors` lists every problem, in Chinese."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("参考数据文件有误：\n" + "\n".join(f"  - {e}" for e in errors))


@dataclass(frozen=True)
class TargetRow:
    """One target as written in a plan file, before regions and indicators are resolved."""

    where: str  # "haiyan-2024-2026.yaml tables[3] 2024/武原", for error messages
    indicator: str
    region: str
    year: int
    basis: str
    value: Decimal | None
    comparator: str
    stretch_value: Decimal | None
    source_clause: str
    note: str
    measure: str = "level"
    base_year: int | None = None
    industry: str = ""
    responsible: str = ""


def _extras(item: dict, where: str, errors: list[str]) -> dict[str, Any]:
    """measure / base_year / industry / responsible of a table or a listed target, checked."""
    measure = item.get("measure", "level")
    base_year = item.get("base_year")
    if measure not in MEASURES:
        errors.append(f"{where}：measure 应为 level（数值）或 change（较基期增减幅度，%）")
    if measure == "change" and not isinstance(base_year, int):
        errors.append(f"{where}：measure: change 需要 base_year（基期年度）")
    if measure == "level" and base_year is not None:
        errors.append(f"{where}：只有 measure: change 才有 base_year")
    responsible = str(item.get("responsible") or "").strip()
    if len(responsible) > 200:
        errors.append(f"{where}：responsible 超过200字")
    return {"measure": measure, "base_year": base_year if measure == "change" else None,
            "industry": str(item.get("industry") or "").strip(), "responsible": responsible}


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise PlanDataError([f"找不到文件 {path}"]) from exc
    except yaml.YAMLError as exc:
        raise PlanDataError([f"{path.name}：YAML 格式错误：{exc}"]) from exc


def _decimal(raw: Any, where: str, errors: list[str]) -> Decimal | None:
    """A target value from YAML. Floats are refused: they lose the published decimals ("1.90")."""
    if raw is None:
        return None
    if isinstance(raw, bool) or isinstance(raw, float):
        errors.append(f"{where}：数值 {raw!r} 请写成字符串（加引号）以保留公布的小数位")
        return None
    try:
        return Decimal(str(raw).strip())
    except InvalidOperation:
        errors.append(f"{where}：不是数字：{raw!r}")
        return None


# ── indicators ────────────────────────────────────────────────────────────────


def _indicator_validate(row: Any, index: int, kinds: set[str] | None, errors: list[str]) -> dict | None:
    where = f"indicators.yaml 第{index + 1}项"
    if not isinstance(row, dict):
        errors.append(f"{where}：应为映射")
        return None
    code = row.get("code")
    where = f"indicators.yaml {code or f'第{index + 1}项'}"
    unknown = set(row) - INDICATOR_FIELDS
    if unknown:
        errors.append(f"{where}：未知字段 {sorted(unknown)}")
    for field in ("code", "name", "unit", "computation", "description", "source"):
        if not str(row.get(field) or "").strip():
            errors.append(f"{where}：缺少 {field}")
    if row.get("better", "higher") not in ("higher", "lower"):
        errors.append(f"{where}：better 应为 higher 或 lower")
    if not isinstance(row.get("additive"), bool):
        errors.append(f"{where}：additive 应为 true 或 false")
    if len(str(row.get("source") or "")) > 200:
        errors.append(f"{where}：source 超过200字")
    params = row.get("params") or {}
    if not isinstance(params, dict):
        errors.append(f"{where}：params 应为映射")
        return None
    computation = row.get("computation")
    if computation and computation not in COMPUTATIONS:
        errors.append(f"{where}：未知的计算方式 {computation!r}（可选：{'、'.join(COMPUTATIONS)}）")
    elif computation:
        errors += [f"{where}：{computation} {problem}" for problem in COMPUTATIONS[computation].params_problems(params, kinds)]
    return row


def indicator_file_read(path: Path, kinds: set[str] | None = None) -> list[dict]:
    """The validated indicator rows of a file (pure apart from reading it). Raises PlanDataError."""
    data = _read_yaml(path)
    rows = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise PlanDataError([f"{path.name}：应有 indicators 列表"])
    errors: list[str] = []
    seen: set[str] = set()
    valid = []
    for index, row in enumerate(rows):
        checked = _indicator_validate(row, index, kinds, errors)
        if checked is None:
            continue
        if checked.get("code") in seen:
            errors.append(f"{path.name}：指标代码 {checked['code']!r} 重复")
        seen.add(checked.get("code"))
        valid.append(checked)
    for row in valid:  # a composed indicator is made of indicators of the same file
        computation = COMPUTATIONS.get(row.get("computation"))
        if computation is not None and computation.parts is not None and not computation.params_problems(
                row.get("params") or {}, kinds):
            for part in computation.parts(row["params"]):
                if part not in seen:
                    errors.append(f"indicators.yaml {row['code']}：组成指标 {part!r} 不存在")
    if errors:
        raise PlanDataError(errors)
    return valid


@transaction.atomic
def load_indicators(path: Path | None = None) -> int:
    """Upsert every indicator of data/indicators.yaml; returns how many were created or changed."""
    path = Path(path) if path else settings.DATA_DIR / "indicators.yaml"
    kinds = set(CredentialKind.objects.values_list("code", flat=True)) or None
    rows = indicator_file_read(path, kinds)
    existing = {i.code: i for i in Indicator.objects.all()}
    changed = 0
    for index, row in enumerate(rows):
        fields = {
            "name": row["name"], "unit": row["unit"], "computation": row["computation"],
            "params": row.get("params") or {}, "better": row.get("better", "higher"),
            "additive": row["additive"], "description": row["description"].strip(),
            "source": row["source"], "order": row.get("order", (index + 1) * 10),
            "disabled_on": row.get("disabled_on"),
        }
        indicator = existing.get(row["code"])
        if indicator is None:
            Indicator.objects.create(code=row["code"], **fields)
            changed += 1
        elif any(getattr(indicator, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(indicator, key, value)
            indicator.save()
            changed += 1
    return changed


# ── plans ─────────────────────────────────────────────────────────────────────


def _cell_parse(text: str, where: str, errors: list[str]) -> tuple[Decimal | None, str] | None:
    """(value, note) of a published cell; None when malformed."""
    if text == UNREADABLE:
        return None, ""
    match = CELL.match(text)
    if not match:
        errors.append(f"{where}：无法识别的单元格 {text!r}（应为数字，可带 % 和“以上”，不可读写 ?）")
        return None
    note = f"原文“{text}”。" if match["above"] else ""
    return Decimal(match["number"]), note


def _table_rows(path: Path, index: int, table: Any, start: int, end: int, errors: list[str]) -> list[TargetRow]:
    where = f"{path.name} tables[{index}]"
    if not isinstance(table, dict):
        errors.append(f"{where}：应为映射")
        return []
    unknown = set(table) - TABLE_KEYS
    if unknown:
        errors.append(f"{where}：未知字段 {sorted(unknown)}")
    source = str(table.get("source") or "").strip()
    if not source:
        errors.append(f"{where}：缺少 source（出处）")
    basis = table.get("basis")
    if basis not in BASES:
        errors.append(f"{where}：basis 应为 annual 或 cumulative")
    comparator = table.get("comparator", "gte")
    if comparator not in COMPARATORS:
        errors.append(f"{where}：comparator 应为 gte/lte/eq")
    columns = table.get("columns")
    if not (isinstance(columns, dict) and len(columns) == 1 and set(columns) <= set(DIMENSIONS)
            and isinstance(next(iter(columns.values())), list)):
        errors.append(f"{where}：columns 应为 {{indicator|region|year: [...]}}")
        return []
    column_dim, headers = next(iter(columns.items()))
    fixed = {d: table[d] for d in DIMENSIONS if d in table}
    if column_dim in fixed:
        errors.append(f"{where}：{column_dim} 既固定又作为列")
        return []
    free = [d for d in DIMENSIONS if d not in fixed and d != column_dim]
    if len(free) > 1:
        errors.append(f"{where}：需固定 {' 或 '.join(free)} 之一")
        return []
    if free:
        if not isinstance(table.get("rows"), dict) or "cells" in table:
            errors.append(f"{where}：应有 rows（按 {free[0]} 分行），不应有 cells")
            return []
        lines = [({free[0]: key}, text) for key, text in table["rows"].items()]
    else:
        if "cells" not in table or "rows" in table:
            errors.append(f"{where}：三个维度已定，应写 cells 而不是 rows")
            return []
        lines = [({}, table["cells"])]
    table_note = str(table.get("note") or "").strip()
    extras = _extras(table, where, errors)
    result = []
    for keys, text in lines:
        line_where = f"{where} {'/'.join(str(v) for v in keys.values()) or 'cells'}"
        if isinstance(text, float):
            errors.append(f"{line_where}：请把整行写成字符串，以保留公布的小数位")
            continue
        cells = str(text).split()
        if len(cells) != len(headers):
            errors.append(f"{line_where}：{len(cells)} 个单元格，而列有 {len(headers)} 个")
            continue
        for header, cell in zip(headers, cells, strict=True):
            cell_where = f"{line_where}/{header}"
            parsed = _cell_parse(cell, cell_where, errors)
            if parsed is None:
                continue
            value, cell_note = parsed
            dims = {**fixed, **keys, column_dim: header}
            note = " ".join(n for n in (cell_note, table_note) if n)
            if value is None and not note:
                errors.append(f"{cell_where}：不可读的单元格必须在 note 中说明")
            row = _target_row(cell_where, dims, basis, value, comparator, None, source, note, start, end, errors,
                              extras)
            if row:
                result.append(row)
    return result


def _target_row(where, dims, basis, value, comparator, stretch, source, note, start, end, errors, extras):
    try:
        year = int(dims["year"])
    except (TypeError, ValueError):
        errors.append(f"{where}：年度无效 {dims.get('year')!r}")
        return None
    if not start <= year <= end:
        errors.append(f"{where}：年度 {year} 不在方案期 {start}–{end} 内")
        return None
    if len(source) > 200:
        errors.append(f"{where}：出处超过200字")
        return None
    if extras["base_year"] is not None and extras["base_year"] >= year:
        errors.append(f"{where}：基期 {extras['base_year']} 应早于目标年度 {year}")
        return None
    return TargetRow(where=where, indicator=str(dims["indicator"]), region=str(dims["region"]), year=year,
                     basis=basis, value=value, comparator=comparator, stretch_value=stretch,
                     source_clause=source, note=note, **extras)


def _listed_rows(path: Path, items: Any, start: int, end: int, errors: list[str]) -> list[TargetRow]:
    result = []
    for index, item in enumerate(items or []):
        where = f"{path.name} targets[{index}]"
        if not isinstance(item, dict):
            errors.append(f"{where}：应为映射")
            continue
        unknown = set(item) - TARGET_KEYS
        missing = {"indicator", "region", "year", "basis", "value", "source"} - set(item)
        if unknown or missing:
            errors.append(f"{where}：" + "；".join(
                ([f"未知字段 {sorted(unknown)}"] if unknown else []) + ([f"缺少 {sorted(missing)}"] if missing else [])))
            continue
        if item["basis"] not in BASES or item.get("comparator", "gte") not in COMPARATORS:
            errors.append(f"{where}：basis 或 comparator 无效")
            continue
        value = _decimal(item["value"], where, errors)
        stretch = _decimal(item.get("stretch_value"), where, errors)
        note = str(item.get("note") or "").strip()
        if item["value"] is None and not note:
            errors.append(f"{where}：目标值为空时必须在 note 中说明")
        row = _target_row(where, item, item["basis"], value, item.get("comparator", "gte"), stretch,
                          str(item["source"]).strip(), note, start, end, errors, _extras(item, where, errors))
        if row:
            result.append(row)
    return result


@dataclass
class PlanFile:
    path: Path
    meta: dict
    region_names: dict[str, str]
    rows: list[TargetRow]
    annotations: list[dict]


def plan_file_parse(path: Path) -> tuple[PlanFile | None, list[str]]:
    """Parse and check one plan file without the database: (what could be read, every problem)."""
    path = Path(path)
    try:
        data = _read_yaml(path)
    except PlanDataError as exc:
        return None, exc.errors
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict):
        return None, [f"{path.name}：应有 plan 映射"]
    unknown = set(data) - PLAN_FILE_KEYS
    if unknown:
        errors.append(f"{path.name}：未知字段 {sorted(unknown)}")
    meta = data["plan"]
    unknown = set(meta) - PLAN_FIELDS
    missing = {"code", "name", "start_year", "end_year", "region"} - set(meta)
    if unknown:
        errors.append(f"{path.name} plan：未知字段 {sorted(unknown)}")
    if missing:
        return None, errors + [f"{path.name} plan：缺少 {sorted(missing)}"]
    for field in ("issued_on", "effective_from", "effective_to"):
        if meta.get(field) is not None and not isinstance(meta[field], dt.date):
            errors.append(f"{path.name} plan：{field} 应为日期 YYYY-MM-DD")
    start, end = int(meta["start_year"]), int(meta["end_year"])
    if meta.get("status", "issued") not in STATUSES:
        errors.append(f"{path.name} plan：status 应为 issued（正式印发）或 draft（征求意见稿）")
    if start > end:
        errors.append(f"{path.name} plan：start_year 晚于 end_year")
    rows: list[TargetRow] = []
    for index, table in enumerate(data.get("tables") or []):
        rows += _table_rows(path, index, table, start, end, errors)
    rows += _listed_rows(path, data.get("targets"), start, end, errors)
    annotations = []
    for index, item in enumerate(data.get("annotations") or []):
        if not isinstance(item, dict) or set(item) != ANNOTATION_KEYS:
            errors.append(f"{path.name} annotations[{index}]：应有且只有 {sorted(ANNOTATION_KEYS)}")
            continue
        annotations.append({**item, "where": f"{path.name} annotations[{index}]"})
    names = {str(k): str(v) for k, v in (data.get("region_names") or {}).items()}
    return PlanFile(path=path, meta=meta, region_names=names, rows=rows, annotations=annotations), errors


def plan_file_read(path: Path) -> PlanFile:
    """One plan file, parsed and checked without the database. Raises PlanDataError."""
    plan_file, errors = plan_file_parse(path)
    if errors or plan_file is None:
        raise PlanDataError(errors)
    return plan_file


def industry_codes() -> set[str]:
    """What a target's `industry` may name: a GB/T 4754 division or a key industry."""
    return (set(Industry.objects.values_list("code", flat=True))
            | set(KeyIndustry.objects.values_list("code", flat=True)))


def _plan_resolve(plan_file: PlanFile, indicators: dict[str, Indicator], errors: list[str],
                  industries: set[str] | None = None):
    industries = industry_codes() if industries is None else industries
    """(plan region, {key: (row, Region, Indicator)}) with every problem added to `errors`."""
    name = plan_file.path.name
    try:
        top = region_resolve(str(plan_file.meta["region"]))
    except Region.DoesNotExist as exc:
        errors.append(f"{name} plan.region：{exc}")
        return None, {}
    cache: dict[str, Region | None] = {}

    def region_of(text: str, where: str) -> Region | None:
        if text not in cache:
            try:
                cache[text] = region_resolve(plan_file.region_names.get(text, text), within=top)
            except Region.DoesNotExist as exc:
                cache[text] = None
                errors.append(f"{where}：{exc}")
                return None
            if not cache[text].is_within(top):
                errors.append(f"{where}：区域 {cache[text].name} 不在方案区域 {top.name} 之内")
        return cache[text]

    resolved: dict[tuple, tuple[TargetRow, Region, Indicator]] = {}
    for row in plan_file.rows:
        region = region_of(row.region, row.where)
        indicator = indicators.get(row.indicator)
        if indicator is None:
            errors.append(f"{row.where}：未知指标 {row.indicator!r}（见 data/indicators.yaml）")
        if region is None or indicator is None:
            continue
        if row.industry and row.industry not in industries:
            errors.append(f"{row.where}：未知行业 {row.industry!r}（国民经济行业大类代码，或 "
                          f"data/reference/key-industries.yaml 的重点产业代码）")
            continue
        key = (indicator.code, region.code, row.year, row.basis, row.industry)
        if key in resolved:
            errors.append(f"{row.where}：与 {resolved[key][0].where} 重复（{indicator.name} {region.name} "
                          f"{row.year} {row.basis}）")
            continue
        resolved[key] = (row, region, indicator)
    for item in plan_file.annotations:
        region = region_of(str(item["region"]), item["where"])
        key = (item["indicator"], region.code if region else None, item["year"], item["basis"], "")
        if region is not None and key not in resolved:
            errors.append(f"{item['where']}：没有对应的目标 {key}")
        elif region is not None:
            row, region_obj, indicator = resolved[key]
            note = " ".join(n for n in (row.note, str(item["note"]).strip()) if n)
            resolved[key] = (TargetRow(**{**row.__dict__, "note": note}), region_obj, indicator)
    return top, resolved


@transaction.atomic
def load_plans(directory: Path | None = None) -> int:
    """Upsert every plan of data/plans/*.yaml with its targets; returns how many targets were created,
    changed or removed (0 when the database already matches the files; plan rows are upserted too but
    not counted).

    A target that is in the database but no longer in its plan's file is removed: the file is the
    plan's source of truth. Every target change is recorded in the audit log (actor: none = data load).
    """
    directory = Path(directory) if directory else settings.DATA_DIR / "plans"
    paths = sorted(directory.glob("*.yaml"))
    errors: list[str] = []
    files = []
    for path in paths:
        plan_file, file_errors = plan_file_parse(path)
        errors += file_errors
        if plan_file is not None:
            files.append(plan_file)
    codes = [f.meta["code"] for f in files]
    errors += [f"方案代码 {c!r} 在多个文件中出现" for c in sorted({c for c in codes if codes.count(c) > 1})]
    indicators = {i.code: i for i in Indicator.objects.all()}
    resolved_files = []
    for plan_file in files:
        top, resolved = _plan_resolve(plan_file, indicators, errors)
        resolved_files.append((plan_file, top, resolved))
    if errors:
        raise PlanDataError(errors)

    changed = 0
    changes: list[tuple[str, str, str, dict | None, dict | None]] = []
    for plan_file, top, resolved in resolved_files:
        meta = plan_file.meta
        fields = {
            "name": meta["name"], "issuer": meta.get("issuer") or "", "doc_number": meta.get("doc_number") or "",
            "issued_on": meta.get("issued_on"), "effective_from": meta.get("effective_from"),
            "effective_to": meta.get("effective_to"), "start_year": int(meta["start_year"]),
            "end_year": int(meta["end_year"]), "region": top, "source_file": meta.get("source_file") or "",
            "notes": str(meta.get("notes") or "").strip(), "status": meta.get("status") or "issued",
            "assumptions": str(meta.get("assumptions") or "").strip(),
        }
        plan, created = Plan.objects.get_or_create(code=meta["code"], defaults=fields)
        if not created and any(getattr(plan, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(plan, key, value)
            plan.save()
        existing = {(t.indicator.code, t.region.code, t.year, t.basis, t.industry): t
                    for t in plan.targets.select_related("indicator", "region")}
        for key, (row, region, indicator) in resolved.items():
            values = {"value": row.value, "comparator": row.comparator, "stretch_value": row.stretch_value,
                      "source_clause": row.source_clause, "note": row.note, "measure": row.measure,
                      "base_year": row.base_year, "responsible": row.responsible}
            target = existing.pop(key, None)
            if target is None:
                target = Target.objects.create(plan=plan, indicator=indicator, region=region, year=row.year,
                                               basis=row.basis, industry=row.industry, **values)
                changes.append((str(target.pk), _target_repr(target), "create", None, snapshot(target)))
            elif any(not _same(getattr(target, k), v) for k, v in values.items()):
                before = snapshot(target)
                for field, value in values.items():
                    setattr(target, field, value)
                target.save()
                target.refresh_from_db()
                changes.append((str(target.pk), _target_repr(target), "update", before, snapshot(target)))
            else:
                continue
            changed += 1
        for target in existing.values():
            changes.append((str(target.pk), _target_repr(target), "delete", snapshot(target), None))
            target.delete()
            changed += 1
    if changes:
        change_records_bulk(actor=None, model_label=Target._meta.label_lower, rows=changes)
    return changed


def _same(stored: Any, new: Any) -> bool:
    if isinstance(stored, Decimal) and isinstance(new, Decimal):
        return stored == new  # 1.9000 == 1.90
    return stored == new


def _target_repr(target: Target) -> str:
    industry = f" {target.industry}" if target.industry else ""
    return f"{target.plan.code} {target.indicator.code} {target.region.code} {target.year} {target.basis}{industry}"


# ── key industries ────────────────────────────────────────────────────────────


@transaction.atomic
def load_key_industries(path: Path | None = None) -> int:
    """Upsert every key industry of data/reference/key-industries.yaml (validated first: a bad file
    changes nothing); returns how many were created or changed."""
    path = Path(path) if path else settings.DATA_DIR / "reference" / "key-industries.yaml"
    data = _read_yaml(path)
    rows = data.get("key_industries") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise PlanDataError([f"{path.name}：应有 key_industries 列表"])
    divisions = set(Industry.objects.values_list("code", flat=True))
    errors: list[str] = []
    resolved = []
    for index, row in enumerate(rows):
        where = f"{path.name} 第{index + 1}项"
        if not isinstance(row, dict) or {"code", "region", "name", "divisions", "sources"} - set(row):
            errors.append(f"{where}：应有 code、region、name、divisions、sources")
            continue
        try:
            region = region_resolve(str(row["region"]))
        except Region.DoesNotExist as exc:
            errors.append(f"{where}：{exc}")
            continue
        unknown = [d for d in row["divisions"] if d not in divisions]
        if unknown:
            errors.append(f"{where}：未知的国民经济行业大类 {unknown}")
        source = "；".join(row["sources"])
        if len(source) > 200:
            errors.append(f"{where}：出处超过200字")
        resolved.append((row, region, source))
    codes = [row["code"] for row, _, _ in resolved]
    errors += [f"{path.name}：代码 {c!r} 重复" for c in sorted({c for c in codes if codes.count(c) > 1})]
    if errors:
        raise PlanDataError(errors)
    changed = 0
    for row, region, source in resolved:
        fields = {"region": region, "name": row["name"], "divisions": list(row["divisions"]), "source": source,
                  "note": str(row.get("note") or "").strip()}
        found = KeyIndustry.objects.filter(code=row["code"]).first()
        if found is None or any(getattr(found, k) != v for k, v in fields.items()):
            KeyIndustry.objects.update_or_create(code=row["code"], defaults=fields)
            changed += 1
    return changed
