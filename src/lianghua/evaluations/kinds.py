"""The kinds of evaluation, declared once: how each is computed for a region and year, and how its results
are kept (the fields of EvaluationResult), its method recorded and its counts summed. The services, the
pages and the command take a kind's code (Evaluation.Kind)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lianghua.regions.models import Region

from .carbon import GRADES, CarbonEvaluation
from .models import Evaluation
from .mujun import RANKED_GROUPS, MujunEvaluation
from .selectors import (
    carbon_compute,
    carbon_method_data,
    carbon_result_data,
    method_data,
    mujun_compute,
    result_data,
    result_inputs,
)


def _score(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.6f}")


def _mujun_rows(computed: MujunEvaluation) -> list[dict[str, Any]]:
    class_names = computed.method.class_names
    return [{"enterprise_id": r.enterprise.enterprise_id, "group": r.group, "score": _score(r.score), "rank": r.rank,
             "klass": r.klass or "", "reason": r.reason[:300], "terms": result_data(r, class_names)["indicators"],
             "inputs": result_inputs(r)} for r in computed.results]


def _mujun_counts(computed: MujunEvaluation) -> dict[str, Any]:
    counts: dict[str, Any] = {group: computed.class_counts(group) for group in RANKED_GROUPS}
    counts["unranked"] = sum(1 for r in computed.results if r.rank is None)
    counts["total"] = len(computed.results)
    return counts


def _carbon_rows(computed: CarbonEvaluation) -> list[dict[str, Any]]:
    rows = []
    for result in computed.results:
        data = carbon_result_data(result)
        enterprise = result.enterprise
        rows.append({"enterprise_id": enterprise.enterprise_id, "group": enterprise.industry, "score": _score(result.k),
                     "rank": None, "klass": str(result.grade or ""), "reason": result.reason[:300], "terms": data,
                     "inputs": {name: data.get(name) for name in ("co2", "co2_source")}})
    return rows


def _carbon_counts(computed: CarbonEvaluation) -> dict[str, Any]:
    grades = computed.grade_counts()
    return {"grades": {str(g): grades[g] for g in GRADES}, "unrated": sum(1 for r in computed.results if r.grade is None),
            "total": len(computed.results)}


@dataclass(frozen=True)
class EvaluationKind:
    code: str
    compute: Callable[[Region, int], Any]
    rows: Callable[[Any], list[dict[str, Any]]]
    method: Callable[[Any, Region], dict[str, Any]]
    counts: Callable[[Any], dict[str, Any]]


KINDS = {
    Evaluation.Kind.MUJUN: EvaluationKind(Evaluation.Kind.MUJUN, mujun_compute, _mujun_rows, method_data,
                                          _mujun_counts),
    Evaluation.Kind.CARBON: EvaluationKind(Evaluation.Kind.CARBON, carbon_compute, _carbon_rows, carbon_method_data,
                                           _carbon_counts),
}
