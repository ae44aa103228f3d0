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
from lianghua.enterprises.models import Enterprise, EnterpriseYear, Industry
from lianghua.regions.models import Region
from lianghua.regions.selectors import subtree_regions

from .carbon import CarbonEvaluation, CarbonInput, CarbonResult, carbon_evaluate, grade_label
from .ladder import HELD_ABOVE, RUNGS, LadderInput
from .methods import carbon_method, method_settings_sources, mujun_method
from .models import Diagnosis, Evaluation, EvaluationResult, Exemption
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


def mujun_inputs(region: Region, year: int, *, started_after: dt.date | None = None) -> list[EnterpriseInput]:
    """Every enterprise of `region`'s subtree with figures for `year`: one query read without Django's
    converters (core.bulk.rows_read) straight into named tuples; then the few that started production
    after `started_after` (their date) and the officers' exemptions are filled in."""
    with collector_paused():
        rows = rows_read(_years_of(region, year)
                         .values_list("enterprise_id", "enterprise__credit_code", "enterprise__name",
                                      "enterprise__region__name", "is_above_scale", *INPUT_FIELDS).order_by())
        if any(isinstance(v, Decimal) for row in rows[:50] for v in row[5:]):  # PostgreSQL's numeric
            rows = [(*row[:5], *map(_number, row[5:])) for row in rows]  # tuples, as the driver's
        make, tail = EnterpriseInput._make, (None, "")  # production date and exemption: filled in below
        inputs = [make(row + tail) for row in rows]
    subtree = subtree_regions(region)
    special: dict[int, dict[str, Any]] = {}
    if started_after is not None:
        for enterprise_id, started in Enterprise.objects.filter(region__in=subtree,
                                                                production_started_on__gt=started_after
                                                                ).values_list("id", "production_started_on"):
            special.setdefault(enterprise_id, {})["production_started_on"] = started
    for enterprise_id, reason in Exemption.objects.filter(year=year, enterprise__region__in=subtree
                                                          ).values_list("enterprise_id", "reason"):
        special.setdefault(enterprise_id, {})["exemption"] = reason
    if special:
        inputs = [e._replace(**special[e.enterprise_id]) if e.enterprise_id in special else e for e in inputs]
    return inputs


CARBON_FIELDS = ("value_added_wan", "co2_t", "electricity_wan_kwh", "coal_t", "natural_gas_wan_m3", "diesel_t",
                 "heat_gj")


def _years_of(region: Region, year: int):
    """The year's enterprise figures of `region`'s subtree (no filter for the whole tree: it costs a third of
    a province-wide read)."""
    years = EnterpriseYear.objects.filter(year=year)
    if Region.objects.exclude(path__startswith=region.path).exists():
        years = years.filter(enterprise__region__in=subtree_regions(region))
    return years


def carbon_inputs(region: Region, year: int) -> list[CarbonInput]:
    """Every 规上 enterprise of `region`'s subtree with figures for `year` (one query, read as mujun_inputs)."""
    towns = dict(subtree_regions(region).values_list("id", "name"))
    industries = {pk: (code, name) for pk, code, name in Industry.objects.values_list("id", "code", "name")}
    with collector_paused():
        rows = rows_read(_years_of(region, year).filter(is_above_scale=True)
                         .values_list("enterprise_id", "enterprise__credit_code", "enterprise__name",
                                      "enterprise__region_id", "enterprise__industry_id", *CARBON_FIELDS).order_by())
        decimals = any(isinstance(v, Decimal) for row in rows[:50] for v in row[5:])
        inputs = []
        for enterprise_id, code, name, town, industry_id, *figures in rows:
            industry, industry_name = industries.get(industry_id, ("", ""))
            inputs.append(CarbonInput(enterprise_id, code, name, towns.get(town, ""), industry, industry_name,
                                      *(map(_number, figures) if decimals else figures)))
        return inputs


def carbon_compute(region: Region, year: int) -> CarbonEvaluation:
    return carbon_evaluate(carbon_inputs(region, year), carbon_method(region, year))


def carbon_result_data(result: CarbonResult) -> dict[str, Any]:
    """One enterprise's 碳效 result as plain data (the JSON output, the xlsx rows, a kept version)."""
    enterprise = result.enterprise
    return {
        "credit_code": enterprise.credit_code, "name": enterprise.name, "region": enterprise.region,
        "industry": enterprise.industry, "industry_name": enterprise.industry_name,
        "co2": decimal_text(result.co2, PLACES), "co2_source": result.co2_source,
        "intensity": decimal_text(result.intensity, PLACES),
        "industry_intensity": decimal_text(result.industry_intensity, PLACES),
        "k": decimal_text(result.k, PLACES), "grade": result.grade, "grade_label": grade_label(result.grade),
        "band": result.band, "reason": result.reason,
    }


def carbon_method_data(evaluation: CarbonEvaluation, region: Region) -> dict[str, Any]:
    return {
        "year": evaluation.method.year, **_parameters_used(evaluation.method.trace, region),
        "industries": [{"code": i.code, "name": i.name, "intensity": decimal_text(i.intensity, PLACES),
                        "enterprises": i.enterprises, "grades": {str(g): n for g, n in i.grades.items()}}
                       for i in evaluation.industries.values()],
    }


def mujun_compute(region: Region, year: int) -> MujunEvaluation:
    method = mujun_method(region, year)
    young = dt.date(year - method.min_years_in_production, 12, 31)  # started after: not yet the years asked
    return mujun_evaluate(mujun_inputs(region, year, started_after=young), method)


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
    return {
        "year": method.year, "class_names": method.class_names, **_parameters_used(method.trace, region),
        "benchmarks": {group: {code: decimal_text(value, PLACES) for code, value in by_code.items()}
                       for group, by_code in evaluation.benchmarks.items()},
    }


def _parameters_used(trace: list[dict[str, Any]], region: Region) -> dict[str, Any]:
    """A method's trace as kept and shown: each parameter's row (the value as plain data, and the region that
    set it with the basis it gave, where one did) and the names of the placeholders."""
    local = method_settings_sources(region)
    return {
        "parameters": [{**row, "value": _plain(row["value"]),
                        **({"local": f"{local[row['parameter']].region.name}：{local[row['parameter']].basis}"}
                           if row["parameter"] in local else {})} for row in trace],
        "placeholders": [row["parameter"] for row in trace if row.get("placeholder")],
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


def diagnoses_visible_to(user: Any) -> QuerySet[Diagnosis]:
    return scope_queryset(user, Diagnosis.objects.select_related("enterprise", "enterprise__region", "filled_by"),
                          region_field="enterprise__region", enterprise_field="enterprise_id")


def diagnosis_coverage(user: Any, region: Region, year: int) -> list[dict[str, Any]]:
    """Per child region (and the region itself, last): 规上 enterprises of `year` the user sees, how many had an
    online diagnosis in that year, and the share."""
    from django.db.models import Exists, OuterRef

    from lianghua.enterprises.selectors import enterprise_years_visible_to
    from lianghua.regions.selectors import region_children

    diagnosed = Diagnosis.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__year=year)
    rows = []
    for part in [*region_children(region), region]:
        years = enterprise_years_visible_to(user).filter(year=year, is_above_scale=True,
                                                         enterprise__region__in=subtree_regions(part))
        total = years.count()
        done = years.filter(Exists(diagnosed)).count()
        rows.append({"region": part, "total": total, "diagnosed": done,
                     "share": Decimal(done) / Decimal(total) if total else None})
    return rows


def ladder_inputs(region: Region, day: dt.date, window_years: int) -> list[LadderInput]:
    """Every enterprise of `region`'s subtree: the ladder's credentials it holds on `day`, its latest digital
    level, and the 设备 + 信息化 investment of its projects started in the `window_years` before `day`."""
    from django.db.models import F, OuterRef, Q, Subquery, Sum
    from django.db.models.functions import Coalesce

    from lianghua.enterprises.models import Credential, DigitalLevel
    from lianghua.projects.models import Project

    kinds = [r.kind for r in RUNGS] + list(HELD_ABOVE)
    held: dict[int, set[str]] = {}
    for enterprise_id, kind in (Credential.objects.filter(enterprise__region__in=subtree_regions(region),
                                                          kind__code__in=kinds, granted_on__lte=day)
                                .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day))
                                .values_list("enterprise_id", "kind__code")):
        held.setdefault(enterprise_id, set()).add(kind)
    since = day.replace(year=day.year - window_years)
    invested = dict(Project.objects.filter(enterprise__region__in=subtree_regions(region), actual_start__gt=since,
                                           actual_start__lte=day).exclude(stage="terminated")
                    .values("enterprise_id").annotate(total=Sum(Coalesce(F("equipment_investment_wan"), Decimal(0))
                                                                + Coalesce(F("it_investment_wan"), Decimal(0))))
                    .values_list("enterprise_id", "total"))
    latest = Subquery(DigitalLevel.objects.filter(enterprise=OuterRef("pk"), assessed_on__lte=day)
                      .order_by("-assessed_on").values("level")[:1])
    rows = (Enterprise.objects.filter(region__in=subtree_regions(region)).annotate(level=latest)
            .values_list("id", "credit_code", "name", "region__name", "level").order_by("region__path", "name"))
    tenth = Decimal("0.1")  # levels have one decimal; SQLite hands the subquery's back as a float
    return [LadderInput(pk, code, name, town, frozenset(held.get(pk, ())),
                        None if level is None else Decimal(str(level)).quantize(tenth), Decimal(invested.get(pk) or 0))
            for pk, code, name, town, level in rows]
