"""The subsidy engine: the documents' rules (policies/documents/) over their dated parameters
(data/policies/*.yaml), on the rulebook.

Pure Python on purpose (no Django): exact (Decimal), fast (parameters are compiled once into sorted date
tables; a case does only bisects and arithmetic) and testable without a database. Amounts are 万元. A
case is evaluated against the documents in force on its date; the awards of its matter combine by the
principle the governing document's data file names (就高不重复 by default; 002 三、11 lets renovation
subsidies stack to a cap). See docs/subsidies.md for the facts vocabulary and the readings adopted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from lianghua.core.collector import collector_paused
from lianghua.rulebook.evaluation import (
    Award,
    MissingSetting,
    NotApplied,
    Rule,
    combine,
    fmt,
    governing_document,
    round_amount,
)
from lianghua.rulebook.facts import FactsError
from lianghua.rulebook.parameters import DocumentSet, RulebookDataError, documents_load

from .documents import RULE_SETS
from .documents.common import SubsidyContext
from .vocabulary import Case, parse_case

DEFAULT_POLICY_DIR = Path(
    os.environ.get("LIANGHUA_POLICY_DIR", Path(__file__).resolve().parents[3] / "data" / "policies")
)
ZERO = Decimal(0)

SubsidyRule = Rule[SubsidyContext]
ALL_RULES: tuple[SubsidyRule, ...] = tuple(rule for rule_set in RULE_SETS for rule in rule_set.rules)
RULES_BY_ID = {rule.id: rule for rule in ALL_RULES}
PROJECT_RULES = tuple(rule for rule in ALL_RULES if rule.matter == "project")
RULES_BY_KIND: dict[str, tuple[SubsidyRule, ...]] = {}
for _rule in ALL_RULES:
    if _rule.kind:
        RULES_BY_KIND[_rule.kind] = (*RULES_BY_KIND.get(_rule.kind, ()), _rule)
KIND_KEY = {"credential": "credential", "service": "service", "finance": "finance"}
# The documents' hooks, flat (document id, hook): every case runs them.
PREPARERS = tuple((rule_set.document, hook) for rule_set in RULE_SETS for hook in rule_set.preparers)
ESTIMATORS = tuple((rule_set.document, hook) for rule_set in RULE_SETS for hook in rule_set.estimators)


def relevant_rules(facts: Mapping[str, Any]) -> tuple[SubsidyRule, ...]:
    matter = facts["matter"]
    if matter == "project":
        categories: frozenset[str] = facts["categories"]
        return tuple(rule for rule in PROJECT_RULES if rule.categories & categories)
    return RULES_BY_KIND.get(facts[KIND_KEY[matter]], ())


def load_policy_set(directory: Path | None = None, settings: Mapping[str, object] | None = None) -> DocumentSet:
    """Read and compile every `*.yaml` in `directory` (default data/policies/). `settings` fills
    parameters a document leaves open (`<document>.<parameter>`) and the draft's start date
    (`<document>.start`). Every document a rule belongs to must be there."""
    policy_set = documents_load(directory or DEFAULT_POLICY_DIR, settings)
    missing = {rule_set.document for rule_set in RULE_SETS} - set(policy_set.documents)
    if missing:
        raise RulebookDataError(f"缺少政策文件: {', '.join(sorted(missing))}")
    return policy_set


def _rules_applied(policy_set: DocumentSet, ctx: SubsidyContext, rules: Sequence[SubsidyRule], day_iso: str,
                   not_applied: list[dict[str, str]], warnings: list[str]) -> list[Award[SubsidyContext]]:
    """Each relevant rule of a document in force, run: its award, or why not (rules of documents not in
    force are listed after the others, with the period)."""
    documents = policy_set.documents
    awards: list[Award[SubsidyContext]] = []
    out_of_force: list[SubsidyRule] = []
    for rule in rules:
        doc = documents[rule.document]
        if not doc.in_force(ctx.ordinal):
            out_of_force.append(rule)
            continue
        ctx.doc = doc
        try:
            amount, explanation = rule.compute(ctx)
        except NotApplied as exc:
            not_applied.append({"rule": rule.id, "reason": exc.reason})
        except MissingSetting as exc:
            param = exc.parameter
            warnings.append(f"缺少参数「{param.name}」：{param.note}")
            not_applied.append(
                {"rule": rule.id, "reason": f"参数「{param.name}」文件未明确、尚未设置，本规则暂不补助"}
            )
        else:
            awards.append(Award(rule, amount, explanation))
    for rule in out_of_force:
        doc = documents[rule.document]
        not_applied.append(
            {"rule": rule.id, "reason": f"事项日期{day_iso}不在{doc.short}《{doc.title}》执行期（{doc.period_label}）内"}
        )
    if rules and len(out_of_force) == len(rules):
        periods = "；".join(f"《{doc.title}》{doc.period_label}" for doc in
                           sorted({r.document: documents[r.document] for r in rules}.values(),
                                  key=lambda d: d.start_ordinal))
        warnings.append(f"事项日期{day_iso}不在任何相关奖补文件的执行期内，因此没有补助。各文件执行期：{periods}")
    if not rules:
        not_applied.append({"rule": "-", "reason": "没有与该事项对应的奖补规则"})
    return awards


@dataclass(frozen=True)
class EarlierGrant:
    """What an earlier claim on the same project or credential was granted (its latest computation)."""

    label: str  # as an officer reads it: "第12号申报（审核中，2026-11-02提交）"
    total: Decimal
    by_rule: Mapping[str, Decimal]  # rule id -> the amount that rule awarded


def _against_earlier(ctx: SubsidyContext, documents: Mapping[str, Any], awards: list[dict[str, Any]],
                     earlier: Sequence[EarlierGrant]) -> tuple[Decimal, dict[str, Any]]:
    """The later claim's amount given what earlier claims on the same matter were granted.

    就高不重复 (the default): the matter is paid its highest award once, so the later claim pays only
    what exceeds the amount already granted, or nothing. Where the governing document lets awards stack
    to a cap (002 三、11), a rule already paid is not paid again, and the cap counts both claims.
    """
    gross = sum((a["amount"] for a in awards), ZERO)
    granted = sum((e.total for e in earlier), ZERO)
    names = "、".join(e.label for e in earlier)
    governing = governing_document(documents.values(), ctx.ordinal)
    if governing is None:
        net = max(ZERO, gross - granted)
        principle = "就高不重复"
        text = (f"就高不重复：同一事项已由{names}核定{fmt(granted)}万元，本次测算{fmt(gross)}万元，"
                + (f"只补超出部分{fmt(net)}万元" if net > 0 else "不再重复补助"))
    else:
        combination = governing.combination
        cap = ctx.num(combination.cap_parameter, document=governing)
        cited = f"{governing.short} {governing.parameters[combination.cap_parameter].clause}"
        new = sum((max(ZERO, a["amount"] - sum((e.by_rule.get(a["rule"], ZERO) for e in earlier), ZERO))
                   for a in awards), ZERO)
        room = max(ZERO, cap - granted)
        net = min(new, room)
        principle = "叠加享受、合计封顶"
        text = (f"可叠加享受（{cited}）：同一{combination.per.removeprefix('单个')}已由{names}核定{fmt(granted)}万元；"
                f"同一规则不重复补助，本次新增{fmt(new)}万元；两次合计不超过{combination.per}上限{fmt(cap)}万元，"
                f"本次核定{fmt(net)}万元")
    net = round_amount(net)
    return net, {
        "principle": principle,
        "earlier": [{"label": e.label, "total": e.total} for e in earlier],
        "granted": granted,
        "gross": gross,
        "deducted": gross - net,
        "explanation": text,
    }


def evaluate_case(policy_set: DocumentSet, case: Case, earlier: Sequence[EarlierGrant] = ()) -> dict[str, Any]:
    """Evaluate every rule relevant to the case against the documents in force on its date; `earlier`
    are the grants of earlier claims on the same matter, which the amount is computed against."""
    documents = policy_set.documents
    ctx = SubsidyContext(case.facts, case.date)
    not_applied: list[dict[str, str]] = []
    warnings: list[str] = []
    day_iso = case.date.isoformat()

    for document_id, prepare in PREPARERS:
        prepare(ctx, documents[document_id])
    rules = relevant_rules(case.facts)
    awards = _rules_applied(policy_set, ctx, rules, day_iso, not_applied, warnings)
    chosen = combine(awards, ctx, documents.values(), not_applied)
    if "count_ignored" in ctx.flags:
        warnings.append("count 仅用于按个计奖的规则，本项按1项计。")
    tax: list[dict[str, Any]] = []
    for document_id, estimate in ESTIMATORS:
        tax += estimate(ctx, documents[document_id], warnings)
    assumed = sorted({rule.document for rule in rules if documents[rule.document].start_is_setting})

    award_rows = []
    total = ZERO
    for award in chosen:
        amount = round_amount(award.amount)
        total += amount
        rule = award.rule
        award_rows.append({
            "rule": rule.id,
            "title": rule.title,
            "document": rule.document,
            "source": documents[rule.document].source,
            "clause": rule.clause,
            "amount": amount,
            "explanation": award.explanation,
        })
    against_earlier = None
    if earlier and award_rows:
        total, against_earlier = _against_earlier(ctx, documents, award_rows, earlier)
    trace = ctx.trace_rows()
    return {
        "id": case.id,
        "date": day_iso,
        "total": total,
        # The earlier claims on the same matter and how they reduced this one (None: no earlier claim).
        "against_earlier": against_earlier,
        "awards": award_rows,
        "not_applied": not_applied,
        "warnings": warnings,
        "assumptions": [documents[doc_id].assumption for doc_id in assumed],
        "tax_estimates": tax,
        "trace": trace,
        # The administrator's values this result used (numbers the documents leave open).
        "settings_used": [row for row in trace if row["setting"] and row["value"] is not None],
    }


@dataclass
class BatchResult:
    results: list[dict[str, Any]]
    errors: list[FactsError]
    rule_version: str


def evaluate_cases(policy_set: DocumentSet, raw_cases: Sequence[Mapping[str, Any]]) -> BatchResult:
    """Validate all cases first (every error is reported), then evaluate the valid ones."""
    cases: list[Case] = []
    errors: list[FactsError] = []
    # Results are acyclic dicts and lists: the cyclic collector only rescans them (about a fifth of
    # the run time on big batches), so it is paused for the batch.
    with collector_paused():
        for raw in raw_cases:
            try:
                cases.append(parse_case(raw))
            except FactsError as exc:
                errors.append(exc)
        results = [evaluate_case(policy_set, case) for case in cases]
    return BatchResult(results=results, errors=errors, rule_version=policy_set.version)


def to_jsonable(value: Any) -> Any:
    """Decimals become strings ("12.5") so no amount passes through float."""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
