"""Reads for the evaluations: an evaluation's inputs from the registry, computed live; the kept versions
and results a user may see; every result as the plain data the pages, the exports and the store share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from lianghua.accounts.scope import scope_queryset
from lianghua.core.bulk import rows_read
from lianghua.core.collector import collector_paused
from lianghua.core.formatting import decimal_text
from lianghua.enterprises.models import EnterpriseYear
from lianghua.regions.models import Region
from lianghua.regions.selectors import subtree_regions

from .methods import method_settings_sources, mujun_method
from .models import Evaluation, EvaluationResult, Exemption
from .mujun import (
    GROUP_LABELS,
    INDICATOR_BY_CODE,
    EnterpriseInput,
    MujunEvaluation,
    MujunResult,
    mujun_evaluate,
)

PLACES = 4
INPUT_FIELDS = ("land_mu", "tax_wan", "value_added_wan", "energy_tce", "pollutant_t", "employees", "rd_wan",
                "revenue_wan", "electricity_wan_kwh")


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _day(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def mujun_inputs(region: Region, year: int) -> list[EnterpriseInput]:
    """Every enterprise of `region`'s subtree with figures for `year`: one query read without Django's
    converters (core.bulk.rows_read), the towns' names and the exemptions beside it."""
    subtree = subtree_regions(region)
    towns = dict(subtree.values_list("id", "name"))
    exemptions = dict(Exemption.objects.filter(year=year, enterprise__region__in=subtree)
                      .values_list("enterprise_id", "reason"))
    years = EnterpriseYear.objects.filter(year=year)
    if Region.objects.exclude(path__startswith=region.path).exists():  # not the whole tree: keep to the subtree
        years = years.filter(enterprise__region__in=subtree)  # (the filter costs a third of a province-wide read)
    with collector_paused():
        rows = rows_read(years
                         .values_list("enterprise_id", "enterprise__credit_code", "enterprise__name",
                                      "enterprise__region_id", "enterprise__production_started_on",
                                      "is_above_scale", *INPUT_FIELDS).order_by())
        decimals = any(isinstance(v, Decimal) for row in rows[:50] for v in row[6:])  # PostgreSQL's numeric
        return [EnterpriseInput(enterprise_id, code, name, towns[town], bool(above),
                                *(map(_number, figures) if decimals else figures),
                                _day(started), exemptions.get(enterprise_id, ""))
                for enterprise_id, code, name, town, started, above, *figures in rows]


def mujun_compute(region: Region, year: int) -> MujunEvaluation:
    return mujun_evaluate(mujun_inputs(region, year), mujun_method(region, year))


def result_data(result: MujunResult, class_names: dict[str, str]) -> dict[str, Any]:
    """One enterprise's result as plain data (figures as exact decimal text): the JSON output, the xlsx
    rows and what a kept version stores."""
    enterprise = result.enterprise
    return {
        "credit_code": enterprise.credit_code, "name": enterprise.name, "region": enterprise.region,
        "group": result.group, "group_label": GROUP_LABELS[result.group],
        "indicators": [{
            "code": t.indicator, "name": INDICATOR_BY_CODE[t.indicator].name, "unit": INDICATOR_BY_CODE[t.indicator].unit,
            "value": decimal_text(t.value, PLACES), "benchmark": decimal_text(t.benchmark, PLACES),
            "weight": decimal_text(t.weight), "term": decimal_text(t.points, PLACES), "note": t.note,
        } for t in result.terms],
        "score": decimal_text(result.score, PLACES), "rank": result.rank, "class": result.klass,
        "class_name": class_names.get(result.klass or "", ""), "reason": result.reason,
    }


def result_inputs(result: MujunResult) -> dict[str, Any]:
    enterprise = result.enterprise
    figures = {name: decimal_text(enterprise.figure(name)) for name in INPUT_FIELDS}
    return {**figures, "is_above_scale": enterprise.is_above_scale,
            "production_started_on": (enterprise.production_started_on.isoformat()
                                      if enterprise.production_started_on else None),
            "exemption": enterprise.exemption}


def method_data(evaluation: MujunEvaluation, region: Region) -> dict[str, Any]:
    """The method as used: each parameter with its value, date and clause; which are placeholders; which
    the region (or one above it) set, with the basis it gave; the benchmarks."""
    method = evaluation.method
    local = method_settings_sources(region)
    return {
        "year": method.year, "class_names": method.class_names,
        "parameters": [{**row, "value": _plain(row["value"]),
                        **({"local": f"{local[row['parameter']].region.name}：{local[row['parameter']].basis}"}
                           if row["parameter"] in local else {})} for row in method.trace],
        "placeholders": [row["parameter"] for row in method.placeholders],
        "benchmarks": {group: {code: decimal_text(value, PLACES) for code, value in by_code.items()}
                       for group, by_code in evaluation.benchmarks.items()},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def evaluations_visible_to(user: Any) -> QuerySet[Evaluation]:
    return scope_queryset(user, Evaluation.objects.select_related("region"), region_field="region",
                          enterprise_field=None)


def results_visible_to(user: Any) -> QuerySet[EvaluationResult]:
    """Results of the enterprises the user sees (an enterprise only its own; a town officer only its town's),
    of versions that are public (an enterprise never sees a draft)."""
    results = EvaluationResult.objects.select_related("evaluation", "evaluation__region", "enterprise",
                                                      "enterprise__region")
    results = scope_queryset(user, results, region_field="enterprise__region", enterprise_field="enterprise_id")
    if getattr(user, "enterprise_id", None):
        results = results.exclude(evaluation__status=Evaluation.Status.DRAFT)
    return results


def latest_evaluation(kind: str, region: Region, year: int) -> Evaluation | None:
    return Evaluation.objects.filter(kind=kind, region=region, year=year).order_by("-version").first()
