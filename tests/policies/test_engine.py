"""Engine behaviour beyond the readable cases: coverage of every rule, the 3000万 stacking cap,
settings, batch validation, the rule version, JSON output and a property check. Pure, no database."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from lianghua.policies.engine import (
    ALL_RULES,
    DEFAULT_POLICY_DIR,
    evaluate_case,
    evaluate_cases,
    load_policy_set,
    to_jsonable,
)
from lianghua.policies.vocabulary import CATEGORIES, parse_case
from lianghua.rulebook.parameters import RulebookDataError

CASES_DIR = Path(__file__).parent / "cases"
POLICIES = load_policy_set()


def test_every_rule_has_a_paying_case():
    paid: set[str] = set()
    for path in CASES_DIR.glob("*.yaml"):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            paid.update(case["expect"].get("awards", {}))
    missing = {rule.id for rule in ALL_RULES} - paid
    assert not missing, f"rules without a case that pays: {sorted(missing)}"


def test_every_parameter_cites_a_clause_and_every_document_its_seed():
    for document in POLICIES.documents.values():
        assert document.source.endswith(".txt") and document.period_clause
        for parameter in document.parameters.values():
            assert parameter.clause and parameter.unit, parameter.name


def _project_case(day: str) -> dict:
    return {
        "id": "stack",
        "date": day,
        "facts": {
            "matter": "project",
            "categories": ["digital_pure", "smart_renovation", "green_energy"],
            "it_investment": 600,
            "accepted": True,
            "productive_investment": 5000,
            "grade": "A",
            "equipment_investment": 5000,
            "third_party_verified": True,
            "energy_saving_tce": 400,
        },
    }


def test_stacking_cap_trims_the_smallest_award(tmp_path):
    # With 001's present amounts the 3000万 cap cannot bind (300+2000+500 = 2800); lower it in a copy
    # of the data to check the trimming: 2000 + 500 kept, 300 trimmed to 100 under a 2600 cap.
    for path in DEFAULT_POLICY_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    stacking = tmp_path / "jiaxing-2024-002.yaml"
    stacking.write_text(
        stacking.read_text(encoding="utf-8").replace("{2024-04-25: 3000}", "{2024-04-25: 2600}"),
        encoding="utf-8",
    )
    policies = load_policy_set(tmp_path)
    result = evaluate_case(policies, parse_case(_project_case("2024-06-01")))
    awards = {row["rule"]: row["amount"] for row in result["awards"]}
    assert awards == {"001.smart_renovation": 2000, "001.green_project": 500, "001.digital_pure": 100}
    assert result["total"] == 2600
    assert "核减200万元" in next(
        r["explanation"] for r in result["awards"] if r["rule"] == "001.digital_pure"
    )
    assert policies.version != POLICIES.version


def test_stacking_cap_drops_an_award_with_no_room_left(tmp_path):
    for path in DEFAULT_POLICY_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    stacking = tmp_path / "jiaxing-2024-002.yaml"
    stacking.write_text(
        stacking.read_text(encoding="utf-8").replace("{2024-04-25: 3000}", "{2024-04-25: 2000}"),
        encoding="utf-8",
    )
    result = evaluate_case(load_policy_set(tmp_path), parse_case(_project_case("2024-06-01")))
    assert result["total"] == 2000
    assert {row["rule"] for row in result["not_applied"]} >= {"001.green_project", "001.digital_pure"}


def _copied_with_principle(tmp_path, principle_lines: str):
    tmp_path.mkdir(parents=True, exist_ok=True)
    for path in DEFAULT_POLICY_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    stacking = tmp_path / "jiaxing-2024-002.yaml"
    text = stacking.read_text(encoding="utf-8")
    stated = "  principle: stack_capped\n  cap_parameter: renovation_stacking.cap_per_project\n"
    assert stated in text
    stacking.write_text(text.replace(stated, principle_lines), encoding="utf-8")
    return tmp_path


def test_the_combination_principle_is_read_from_the_data_file(tmp_path):
    # 002 as published: from 2024-04-25 the three renovation subsidies stack, 2000 + 500 + 300.
    stacked = evaluate_case(POLICIES, parse_case(_project_case("2024-06-01")))
    assert stacked["total"] == 2800 and len(stacked["awards"]) == 3
    # The same file with 就高不重复 as its principle: only the highest, 2000, is paid; the others say why.
    highest = load_policy_set(_copied_with_principle(tmp_path, "  principle: highest_only\n"))
    result = evaluate_case(highest, parse_case(_project_case("2024-06-01")))
    assert {row["rule"]: row["amount"] for row in result["awards"]} == {"001.smart_renovation": 2000}
    reasons = {row["rule"]: row["reason"] for row in result["not_applied"]}
    assert reasons["001.green_project"].startswith("就高不重复：本项可得500万元")
    assert reasons["001.digital_pure"].startswith("就高不重复：本项可得300万元")


def test_an_unknown_principle_or_cap_is_a_data_error(tmp_path):
    with pytest.raises(RulebookDataError, match="未知的组合原则"):
        load_policy_set(_copied_with_principle(tmp_path / "a", "  principle: stack_everything\n"))
    with pytest.raises(RulebookDataError, match="cap_parameter"):
        load_policy_set(_copied_with_principle(tmp_path / "b", "  principle: stack_capped\n  cap_parameter: no.such\n"))


def test_settings_must_name_an_open_parameter():
    with pytest.raises(RulebookDataError):
        load_policy_set(settings={"jiaxing-2022-draft-001.digital_pure.rate": 0.6})
    with pytest.raises(RulebookDataError):
        load_policy_set(settings={"jiaxing-2020-003.no_such_parameter": 1})


def test_settings_change_the_rule_version():
    configured = load_policy_set(settings={"jiaxing-2020-003.other_smart.min_investment": 1000})
    assert configured.version != POLICIES.version
    assert load_policy_set().version == POLICIES.version


def test_batch_reports_every_invalid_case_and_computes_the_rest():
    batch = evaluate_cases(
        POLICIES,
        [
            {
                "id": "ok",
                "date": "2023-01-01",
                "facts": {"matter": "credential", "credential": "tech_center", "level": "national"},
            },
            {"id": "bad1", "date": "2023-01-01", "facts": {"matter": "credential", "credential": "x"}},
            {
                "id": "bad2",
                "date": "2023-01-01",
                "facts": {"matter": "project", "categories": ["digital_pure"], "foo": 1},
            },
        ],
    )
    assert [r["id"] for r in batch.results] == ["ok"]
    assert [(e.case_id, e.key) for e in batch.errors] == [("bad1", "credential"), ("bad2", "foo")]
    assert batch.rule_version == POLICIES.version


def test_json_output_keeps_decimals_exact():
    result = evaluate_case(
        POLICIES,
        parse_case(
            {
                "id": "j",
                "date": date(2023, 1, 1),
                "facts": {
                    "matter": "project",
                    "categories": ["digital_pure"],
                    "it_investment": Decimal("123.45"),
                    "accepted": True,
                },
            }
        ),
    )
    data = to_jsonable(result)
    assert data["total"] == "61.725"
    assert data["awards"][0]["amount"] == "61.725"
    assert data["trace"][0]["effective"] == "2022-01-01"


amounts = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 1, 1)),
    categories=st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=6, unique=True),
    it=amounts,
    productive=amounts,
    equipment=amounts,
    investment=amounts,
    grade=st.sampled_from("ABCDE"),
    flags=st.lists(st.booleans(), min_size=4, max_size=4),
    saving=amounts,
)
def test_project_totals_stay_within_the_documents_caps(
    day, categories, it, productive, equipment, investment, grade, flags, saving
):
    facts = {
        "matter": "project",
        "categories": categories,
        "it_investment": it,
        "productive_investment": productive,
        "equipment_investment": equipment,
        "investment": investment,
        "grade": grade,
        "accepted": flags[0],
        "third_party_verified": flags[1],
        "high_quality": flags[2],
        "completed_within_one_year": flags[3],
        "energy_saving_tce": saving,
        "water_saving_t": saving,
    }
    result = evaluate_case(POLICIES, parse_case({"id": "p", "date": day, "facts": facts}))
    assert Decimal(0) <= result["total"] <= Decimal(3000)
    if day < date(2024, 4, 25):
        assert len(result["awards"]) <= 1  # 就高不重复
    caps = {
        "001.digital_pure": 300,
        "001.smart_renovation": 2000,
        "001.green_project": 500,
        "003.smart_factory": 2000,
    }
    for row in result["awards"]:
        assert 0 < row["amount"] <= caps.get(row["rule"], 3000)
    assert result["total"] == sum((row["amount"] for row in result["awards"]), Decimal(0))
