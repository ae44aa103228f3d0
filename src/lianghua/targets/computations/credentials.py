"""The credential computations: enterprises newly credentialed in the window (新增认定: the first
credential of the kind at or above the minimum level; an upgrade of one held before is not new), and
enterprises holding one at the window end (持有认定) — or, with params.count: items, the items (名称/编号)
themselves. Counts and records use the same filters.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from lianghua.enterprises.models import Credential, CredentialKind
from lianghua.enterprises.selectors import credentials_visible_to

from .. import progress_math as pm
from ..computation import (
    CREDENTIALS,
    ENTERPRISE_COLUMNS,
    LEVEL_LABELS,
    Actuals,
    Computation,
    ProgressRecords,
    RecordsAsk,
    RegionFold,
    RegistrySource,
    per_window,
    stock_counted,
)

LEVELS = tuple(Credential.LEVEL_RANK)  # low → high


def level_rank(level: str | None) -> int | None:
    return None if level in (None, "") else Credential.LEVEL_RANK[str(level)]


def levels_between(min_level: str | None, max_level: str | None) -> list[str]:
    low, high = level_rank(min_level) or 0, level_rank(max_level) or 99
    return [level for level, rank in Credential.LEVEL_RANK.items() if low <= rank <= high]


def credential_specs(params: dict[str, Any]) -> list[dict[str, Any]]:
    """[{kind, min_level, max_level}] from an indicator's params ({kind, min_level} or any_of)."""
    specs = params.get("any_of") or [params]
    return [{"kind": s["kind"], "min_level": s.get("min_level"),
             "max_level": s.get("max_level", params.get("max_level"))} for s in specs]


def credential_match_q(params: dict[str, Any], prefix: str = "") -> Q:
    """Credentials of the kind(s) at or above the minimum level (and, with max_level, at most it)."""
    matched = None
    for spec in credential_specs(params):
        one = Q(**{f"{prefix}kind__code": spec["kind"]})
        if spec["min_level"]:
            one &= Q(**{f"{prefix}level_rank__gte": level_rank(spec["min_level"])})
        if spec["max_level"]:
            one &= Q(**{f"{prefix}level_rank__lte": level_rank(spec["max_level"])})
        matched = one if matched is None else matched | one
    return matched if matched is not None else Q(pk__in=[])


def credential_valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """Held on `day`: granted on or before it and not ended (ends_on after it, or none)."""
    return Q(**{f"{prefix}granted_on__lte": day}) & (Q(**{f"{prefix}ends_on__isnull": True})
                                                     | Q(**{f"{prefix}ends_on__gt": day}))


# The conditions are written from the credential's side: a grouped count starts from the credentials of
# the kind (its index), not from every enterprise of the regions, which at province scale is a scan of
# all of them. An enterprise counts once (COUNT DISTINCT) however many of its credentials qualify. The
# records filter the same credentials.

def credentials_new_q(params: dict[str, Any], window: pm.Window) -> Q:
    """Credentials granted in the window whose enterprise held no matching credential before its start —
    its FIRST (an upgrade of a centre held before is not new)."""
    in_window = credential_match_q(params) & Q(granted_on__gte=window.start, granted_on__lte=window.end)
    specs = credential_specs(params)
    if len(specs) == 1:
        # One kind: the earlier credential is of the row's kind, so the lookup goes through the
        # (enterprise, kind) index instead of scanning every credential of that kind.
        # The level is named by `level` (not level_rank) so all three columns of that index apply.
        earlier = Credential.objects.filter(enterprise=OuterRef("enterprise"), kind=OuterRef("kind"),
                                            granted_on__lt=window.start,
                                            level__in=levels_between(specs[0]["min_level"], specs[0]["max_level"]))
    else:
        earlier = Credential.objects.filter(credential_match_q(params), enterprise=OuterRef("enterprise"),
                                            granted_on__lt=window.start)
    return in_window & ~Q(Exists(earlier))


def credentials_held_q(params: dict[str, Any], day: dt.date) -> Q:
    """Matching credentials valid on `day`; with max_level, of an enterprise not also holding a higher one."""
    held = None
    for spec in credential_specs(params):
        one = Q(kind__code=spec["kind"], level_rank__gte=level_rank(spec["min_level"]) or 0) & credential_valid_on_q(day)
        if spec["max_level"]:
            above = [level for level, rank in Credential.LEVEL_RANK.items() if rank > (level_rank(spec["max_level"]) or 0)]
            higher = (Credential.objects.filter(enterprise=OuterRef("enterprise"), kind=OuterRef("kind"), level__in=above)
                      .filter(credential_valid_on_q(day)))
            one &= ~Q(Exists(higher))
        held = one if held is None else held | one
    return held if held is not None else Q(pk__in=[])


# Items (params.count: items): where the documents count things rather than enterprises — 数字化车间 (个),
# 首台（套） products (项), green product certifications — every 名称/编号 of a kind counts. These conditions
# are written from the credential's side. An item is the credentials of one enterprise, kind and 名称/编号:
# it is new in the window when its first matching credential was granted in it (an upgrade of the same
# workshop is not a new one), and held at a day once, at its highest valid level.

def _same_item() -> dict[str, Any]:
    return {"enterprise": OuterRef("enterprise"), "kind": OuterRef("kind"), "item": OuterRef("item")}


def items_new_q(params: dict[str, Any], window: pm.Window) -> Q:
    earlier = Credential.objects.filter(credential_match_q(params), **_same_item()).filter(
        Q(granted_on__lt=OuterRef("granted_on")) | Q(granted_on=OuterRef("granted_on"), id__lt=OuterRef("id")))
    return (credential_match_q(params) & Q(granted_on__gte=window.start, granted_on__lte=window.end)
            & ~Q(Exists(earlier)))


def items_held_q(params: dict[str, Any], day: dt.date) -> Q:
    better = Credential.objects.filter(credential_match_q(params), credential_valid_on_q(day), **_same_item()).filter(
        Q(level_rank__gt=OuterRef("level_rank")) | Q(level_rank=OuterRef("level_rank"), id__lt=OuterRef("id")))
    return credential_match_q(params) & credential_valid_on_q(day) & ~Q(Exists(better))


def counts_items(params: dict[str, Any]) -> bool:
    return params.get("count") == "items"


def _items(params: dict[str, Any], condition: list[Q], fold: RegionFold) -> list[Actuals]:
    rows = (Credential.objects.filter(fold.enterprises_q("enterprise__"), credential_match_q(params))
            .values("enterprise__region_id")
            .annotate(**{f"n{i}": Count("id", filter=q) for i, q in enumerate(condition)}).order_by())
    return per_window(fold, rows, "enterprise__region_id", len(condition))


# ── counts ──

def _enterprises(params: dict[str, Any], condition: list[Q], fold: RegionFold) -> list[Actuals]:
    """Per region, the enterprises with a credential meeting each condition."""
    rows = (Credential.objects.filter(fold.enterprises_q("enterprise__"), credential_match_q(params))
            .values("enterprise__region_id")
            .annotate(**{f"n{i}": Count("enterprise_id", distinct=True, filter=q) for i, q in enumerate(condition)})
            .order_by())
    return per_window(fold, rows, "enterprise__region_id", len(condition))


def actual_credentials_new(params: dict[str, Any], windows: list[pm.Window], year: int,
                           fold: RegionFold) -> list[Actuals]:
    if counts_items(params):
        return _items(params, [items_new_q(params, w) for w in windows], fold)
    return _enterprises(params, [credentials_new_q(params, w) for w in windows], fold)


def _credentials_held(params: dict[str, Any], window: pm.Window, year: int, fold: RegionFold) -> Actuals:
    if counts_items(params):
        return _items(params, [items_held_q(params, window.end)], fold)[0]
    return _enterprises(params, [credentials_held_q(params, window.end)], fold)[0]


# ── records ──

def credential_rule_text(params: dict[str, Any]) -> str:
    """"市级及以上企业技术中心", "省级绿色工厂（不含更高级别）"… for the explanation."""
    specs = credential_specs(params)
    names = dict(CredentialKind.objects.filter(code__in=[s["kind"] for s in specs]).values_list("code", "name"))
    parts = []
    for spec in specs:
        name = names.get(spec["kind"], spec["kind"])
        low = LEVEL_LABELS.get(spec["min_level"] or "county", "")
        if spec["max_level"] and spec["max_level"] == spec["min_level"]:
            parts.append(f"{low}{name}（不含更高级别）")
        elif spec["max_level"]:
            parts.append(f"{low}至{LEVEL_LABELS[spec['max_level']]}{name}")
        else:
            parts.append(f"{low}及以上{name}")
    return "或".join(parts)

def item_records(ask: RecordsAsk) -> ProgressRecords:
    """One row per item counted (its first credential in the window, or its highest held)."""
    new = ask.computation == "credentials_new"
    condition = items_new_q(ask.params, ask.window) if new else items_held_q(ask.params, ask.window.end)
    credentials = (credentials_visible_to(ask.user).filter(**ask.in_region)
                   .filter(condition).order_by("granted_on", "enterprise__credit_code", "item"))
    rows = []
    for row in credentials.values("enterprise__credit_code", "enterprise__name", "enterprise__region__name",
                                  "kind__name", "level", "item", "granted_on"):
        rows.append({"credit_code": row["enterprise__credit_code"], "enterprise": row["enterprise__name"],
                     "region": row["enterprise__region__name"], "credential": row["kind__name"],
                     "item": row["item"] or "—", "level": LEVEL_LABELS.get(row["level"], row["level"]),
                     "granted_on": row["granted_on"], "contribution": 1})
    kinds = credential_rule_text(ask.params)
    rule = (f"{ask.where}内新获（{kinds}）认定的项目（按名称/编号计；同一项目升级不重复计），共 {len(rows)} 项。" if new
            else f"{ask.window.end} 持有（{kinds}）认定的项目（按名称/编号计，每项取最高级别），共 {len(rows)} 项。")
    return ProgressRecords(
        kind=CREDENTIALS, rows=rows, total=Decimal(len(rows)),
        columns=[*ENTERPRISE_COLUMNS, ("credential", "认定类型"), ("item", "名称/编号"), ("level", "级别"),
                 ("granted_on", "认定日期")],
        explanation=rule, **ask.common)


def credential_records(ask: RecordsAsk) -> ProgressRecords:
    """One row per enterprise counted: its first (new) or highest (held) matching credential."""
    if counts_items(ask.params):
        return item_records(ask)
    user, computation, params, window, where = ask.user, ask.computation, ask.params, ask.window, ask.where
    condition = (credentials_new_q(params, window) if computation == "credentials_new"
                 else credentials_held_q(params, window.end))
    credentials = credentials_visible_to(user).filter(**ask.in_region).filter(condition)
    # One row per enterprise: its first (new) or highest (held) qualifying credential.
    order = ("enterprise_id", "granted_on", "-level_rank") if computation == "credentials_new" else (
        "enterprise_id", "-level_rank", "granted_on")
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    for row in credentials.order_by(*order).values("enterprise_id", "enterprise__credit_code", "enterprise__name",
                                                   "enterprise__region__name", "kind__name", "level", "granted_on"):
        if row["enterprise_id"] in seen:
            continue
        seen.add(row["enterprise_id"])
        rows.append({"credit_code": row["enterprise__credit_code"], "enterprise": row["enterprise__name"],
                     "region": row["enterprise__region__name"], "credential": row["kind__name"],
                     "level": LEVEL_LABELS.get(row["level"], row["level"]), "granted_on": row["granted_on"],
                     "contribution": 1})
    rows.sort(key=lambda r: (r["granted_on"], r["credit_code"]))
    kinds = credential_rule_text(params)
    if computation == "credentials_new":
        rule = (f"{where}内首次获得（{kinds}）认定的企业（此前已有同类认定、窗口内仅升级的不算新增），"
                f"共 {len(rows)} 家。")
    else:
        rule = f"{window.end} 持有（{kinds}）认定（未到期、未撤销）的企业共 {len(rows)} 家。"
    return ProgressRecords(
        kind=CREDENTIALS, rows=rows, total=Decimal(len(rows)),
        columns=[*ENTERPRISE_COLUMNS, ("credential", "认定类型"), ("level", "级别"), ("granted_on", "认定日期")],
        explanation=rule, **ask.common)


# ── the declarations ──


def credential_rows(params: dict[str, Any]) -> RegistrySource:
    kinds = tuple(sorted({spec["kind"] for spec in credential_specs(params)}))
    return RegistrySource(("credentials", *kinds), Credential.objects.filter(kind__code__in=kinds),
                          "enterprise__region_id", kind_field="kind__code")


def credential_params_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    """{kind, min_level[, max_level]} or any_of a list of them; kinds of data/reference/credential_kinds.csv."""
    problems = []
    for spec in params.get("any_of") or [params]:
        kind, level = spec.get("kind"), spec.get("min_level")
        if not kind:
            problems.append("需要 params.kind（或 any_of）")
        elif credential_kinds is not None and kind not in credential_kinds:
            problems.append(f"未知的认定类型 {kind!r}（见 data/reference/credential_kinds.csv）")
        if level not in LEVELS:
            problems.append(f"min_level 应为 {'/'.join(LEVELS)}，而不是 {level!r}")
        if params.get("count", "enterprises") not in ("enterprises", "items"):
            problems.append(f"count 应为 enterprises 或 items，而不是 {params['count']!r}")
        if "max_level" in spec and (spec["max_level"] not in LEVELS
                                    or LEVELS.index(spec["max_level"]) < LEVELS.index(level or "county")):
            problems.append(f"max_level {spec['max_level']!r} 无效")
    return problems


COMPUTATIONS = (
    Computation("credentials_new", actual_credentials_new, credential_records, source=credential_rows,
                params_problems=credential_params_problems),
    Computation("credentials_held", stock_counted(_credentials_held), credential_records, stock=True,
                source=credential_rows, params_problems=credential_params_problems),
)
