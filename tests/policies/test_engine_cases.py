"""Runs the readable cases in tests/policies/cases/*.yaml through the engine (pure: no database).

Each file: optional `settings` (administrator-set parameters) and `cases`, each with `facts` in and
`expect` out: `total`, `awards` {rule: amount} (exactly these), `not_applied` (rules that must be
listed), `reason_contains`, `warnings` (substrings; none allowed when absent), `assumption` (the draft's
start date is flagged), `tax` {item: amount}, or `error_key` for invalid input.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from lianghua.policies.engine import evaluate_case, load_policy_set
from lianghua.policies.vocabulary import parse_case
from lianghua.rulebook.facts import FactsError
from lianghua.rulebook.parameters import DocumentSet

CASES_DIR = Path(__file__).parent / "cases"


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        settings = tuple(sorted((data.get("settings") or {}).items(), key=lambda kv: kv[0]))
        for case in data["cases"]:
            params.append(pytest.param(settings, case, id=f"{path.stem}:{case['id']}"))
    return params


@cache
def _policy_set(settings_key: str) -> DocumentSet:
    settings = yaml.safe_load(settings_key) or {}
    return load_policy_set(settings=settings)


def _amount(value: Any) -> Decimal:
    return Decimal(str(value))


@pytest.mark.parametrize(("settings", "case"), _load_cases())
def test_case(settings: tuple[tuple[str, Any], ...], case: dict[str, Any]) -> None:
    expect = case["expect"]
    raw = {"id": case["id"], "date": case["date"], "facts": case["facts"]}
    if "error_key" in expect:
        with pytest.raises(FactsError) as caught:
            parse_case(raw)
        assert caught.value.key == expect["error_key"]
        assert caught.value.case_id == case["id"]
        assert case["id"] in str(caught.value) and expect["error_key"] in str(caught.value)
        return

    result = evaluate_case(_policy_set(yaml.safe_dump(dict(settings))), parse_case(raw))
    context = f"\nresult: {result}"

    awards = {row["rule"]: row["amount"] for row in result["awards"]}
    assert awards == {rule: _amount(v) for rule, v in expect["awards"].items()}, context
    assert result["total"] == _amount(expect["total"]), context
    assert result["total"] == sum(awards.values(), Decimal(0))

    not_applied = {row["rule"]: row["reason"] for row in result["not_applied"]}
    for rule in expect.get("not_applied", []):
        assert rule in not_applied, context
    if "reason_contains" in expect:
        assert any(expect["reason_contains"] in reason for reason in not_applied.values()), context

    expected_warnings = expect.get("warnings", [])
    for fragment in expected_warnings:
        assert any(fragment in warning for warning in result["warnings"]), context
    if not expected_warnings:
        assert result["warnings"] == [], context

    flagged = any("假设" in text for text in result["assumptions"])
    if expect.get("assumption"):
        assert flagged, context
    uses_draft = any(row["document"] == "jiaxing-2022-draft-001" for row in result["awards"])
    if uses_draft:
        assert flagged, "every result that uses 001 must flag its assumed start date"

    if "tax" in expect:
        tax = {row["item"]: row["amount"] for row in result["tax_estimates"]}
        assert tax == {item: _amount(v) for item, v in expect["tax"].items()}, context

    for row in result["awards"]:
        assert row["explanation"] and row["clause"] and row["document"]
        assert row["amount"] == row["amount"].quantize(Decimal("0.0001"))
    for row in result["not_applied"]:
        assert row["reason"]
    for row in result["trace"]:
        assert row["parameter"].count(".") >= 1 and "effective" in row
