"""Traced rule evaluation: the context a rule reads through, rules declared beside their functions, and
the combination principles a document's data file names.

A rule is a pure function of a context that returns (exact amount, Chinese explanation) or raises
NotApplied (with the reason) or MissingSetting (a parameter the document leaves open is not set). The
context records every parameter read with the value and the date it took effect (the trace), so every
result can show the numbers it used. Amounts are Decimal, rounded once at the end (`round_amount`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Generic, Protocol, TypeVar, cast

from lianghua.core.formatting import decimal_plain

from .parameters import PRINCIPLE_NAMES, Document, Parameter, ParamValue, Table, Tiers

ZERO = Decimal(0)
# Rounded once: after rates, caps and the stacking cap, each award is rounded half-up to the yuan
# (0.0001万元); the total is the sum of the rounded awards, so the parts always add up to it.
AMOUNT_QUANTUM = Decimal("0.0001")


def round_amount(amount: Decimal) -> Decimal:
    return amount.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


class NotApplied(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class MissingSetting(Exception):
    def __init__(self, parameter: Parameter) -> None:
        self.parameter = parameter


_FMT_CACHE: dict[Decimal, str] = {}
_PCT_CACHE: dict[Decimal, str] = {}
_CACHE_LIMIT = 100_000  # amounts repeat a lot (thresholds, caps, round inputs); formatting is the hot spot


def fmt(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: 3000, 12.5 (explanations)."""
    text = _FMT_CACHE.get(value)
    if text is None:
        text = decimal_plain(value)
        if len(_FMT_CACHE) < _CACHE_LIMIT:
            _FMT_CACHE[value] = text
    return text


def pct(rate: Decimal) -> str:
    text = _PCT_CACHE.get(rate)
    if text is None:
        text = f"{fmt(rate * 100)}%"
        if len(_PCT_CACHE) < _CACHE_LIMIT:
            _PCT_CACHE[rate] = text
    return text


def capped(raw: Decimal, cap: Decimal, formula: str, cap_label: str = "最高限额") -> tuple[Decimal, str]:
    """`raw` limited to `cap`, with the sentence that says so."""
    if raw > cap:
        return cap, f"{formula}={fmt(raw)}万元，超过{cap_label}，按{fmt(cap)}万元"
    return raw, f"{formula}={fmt(raw)}万元（{cap_label}{fmt(cap)}万元）"


class Context:
    """What a rule sees: the facts, the case date, the document being applied, and a parameter reader
    that records the trace. Families of rules add their own slots in a subclass."""

    __slots__ = ("facts", "ordinal", "day", "doc", "trace", "flags")

    def __init__(self, facts: dict[str, Any], day: date) -> None:
        self.facts = facts
        self.day = day
        self.ordinal = day.toordinal()
        self.doc: Document | None = None
        self.trace: dict[str, tuple[Parameter, ParamValue | None, int]] = {}
        self.flags: set[str] = set()

    def _read(self, key: str, ordinal: int, document: Document | None = None) -> ParamValue:
        doc = document or self.doc
        assert doc is not None
        param = doc.parameters[key]
        starts = param.starts
        # Most parameters have one dated value: skip the bisect for them.
        if len(starts) == 1:
            index = 0 if ordinal >= starts[0] else -1
        else:
            index = bisect.bisect_right(starts, ordinal) - 1
        value = param.values[index] if index >= 0 else None
        self.trace[param.name] = (param, value, index)
        if value is None:
            if param.setting:
                raise MissingSetting(param)
            raise NotApplied(f"参数「{param.name}」在 {date.fromordinal(ordinal).isoformat()} 无有效值")
        return value

    def num(self, key: str, ordinal: int | None = None, document: Document | None = None) -> Decimal:
        # No cast(): this is the hot path (a function call per read); a numeric parameter holds a Decimal.
        return self._read(key, self.ordinal if ordinal is None else ordinal, document)  # type: ignore[return-value]

    def table(self, key: str) -> Table:
        return cast(Table, self._read(key, self.ordinal))

    def tiers(self, key: str) -> Tiers:
        return cast(Tiers, self._read(key, self.ordinal))

    def need(self, key: str, label: str) -> Decimal:
        value = self.facts.get(key)
        if value is None:
            raise NotApplied(f"缺少事实 {key}（{label}）")
        return cast(Decimal, value)

    def flag(self, key: str) -> bool:
        return bool(self.facts.get(key, False))

    def trace_rows(self) -> list[dict[str, Any]]:
        """Each parameter read, once, as the result shows it (name, value, effective date, unit, clause)."""
        return [param.trace_rows[index] for param, _value, index in self.trace.values()]


def trace_placeholders(trace: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a trace whose values are borrowed until a setting replaces them."""
    return [row for row in trace if row.get("placeholder")]


C = TypeVar("C", bound=Context)
C_contra = TypeVar("C_contra", bound=Context, contravariant=True)


class RuleFn(Protocol[C_contra]):
    def __call__(self, ctx: C_contra, /) -> tuple[Decimal, str]: ...


@dataclass(frozen=True, slots=True)
class Rule(Generic[C]):
    id: str
    document: str
    clause: str
    title: str
    matter: str
    kind: str  # the kind of matter the rule is for (a credential, a service…), or "" for categories
    categories: frozenset[str]  # the categories that make the rule relevant (when `kind` is "")
    stacks: bool  # may stack with the others of its matter under a stack_capped principle
    compute: RuleFn[C]


# A hook of a document, run for every case whether or not the document is in force on its date.
Preparer = Callable[[C, Document], None]
Estimator = Callable[[C, Document, list[str]], list[dict[str, Any]]]


class RuleSet(Generic[C]):
    """The rules of one document, each declared once beside its function (`@rules.rule(...)` or
    `rules.add(...)` for rules built by a shared function), and the document's hooks: preparers run
    before the rules (an adjusted base), estimators after them (figures that are no award)."""

    def __init__(self, document: str) -> None:
        self.document = document
        self.rules: list[Rule[C]] = []
        self.preparers: list[Preparer[C]] = []
        self.estimators: list[Estimator[C]] = []

    def add(self, rule_id: str, *, clause: str, title: str, matter: str, compute: RuleFn[C], kind: str = "",
            categories: Iterable[str] = (), stacks: bool = False) -> Rule[C]:
        if any(r.id == rule_id for r in self.rules):
            raise ValueError(f"rule {rule_id!r} declared twice")
        rule = Rule(rule_id, self.document, clause, title, matter, kind, frozenset(categories), stacks, compute)
        self.rules.append(rule)
        return rule

    def rule(self, rule_id: str, *, clause: str, title: str, matter: str, kind: str = "",
             categories: Iterable[str] = (), stacks: bool = False) -> Callable[[RuleFn[C]], RuleFn[C]]:
        def declare(compute: RuleFn[C]) -> RuleFn[C]:
            self.add(rule_id, clause=clause, title=title, matter=matter, compute=compute, kind=kind,
                     categories=categories, stacks=stacks)
            return compute

        return declare

    def prepare(self, hook: Preparer[C]) -> Preparer[C]:
        self.preparers.append(hook)
        return hook

    def estimate(self, hook: Estimator[C]) -> Estimator[C]:
        self.estimators.append(hook)
        return hook


@dataclass(slots=True)
class Award(Generic[C]):
    rule: Rule[C]
    amount: Decimal
    explanation: str


# ── combination principles ─────────────────────────────────────────────────────────────────────────
#
# A principle takes the awards of one matter and returns those paid, listing the others under
# not_applied with the reason. Which one governs is read from the data file of the document in force
# (Document.combination), never from code.

Principle = Callable[[list[Award[Any]], Context, Document | None, list[dict[str, str]]], list[Award[Any]]]


def _highest_unit(units: list[list[Award[Any]]], not_applied: list[dict[str, str]]) -> list[Award[Any]]:
    """就高不重复: the unit (an award, or awards stacked together) with the highest total."""
    if len(units) <= 1:
        return units[0] if units else []
    best = max(units, key=lambda unit: sum((a.amount for a in unit), ZERO))
    best_total = sum((a.amount for a in best), ZERO)
    best_names = "、".join(a.rule.title for a in best)
    for unit in units:
        if unit is best:
            continue
        for award in unit:
            not_applied.append({
                "rule": award.rule.id,
                "reason": (f"就高不重复：本项可得{fmt(round_amount(award.amount))}万元，"
                           f"已按更高的「{best_names}」{fmt(round_amount(best_total))}万元执行"),
            })
    return best


def highest_only(awards: list[Award[Any]], ctx: Context, document: Document | None,
                 not_applied: list[dict[str, str]]) -> list[Award[Any]]:
    """One award per matter, the highest (就高不重复)."""
    if len(awards) <= 1:
        return awards
    return _highest_unit([[a] for a in awards], not_applied)


def stack_capped(awards: list[Award[Any]], ctx: Context, document: Document | None,
                 not_applied: list[dict[str, str]]) -> list[Award[Any]]:
    """The awards whose rules stack add up, largest first, to the cap the document's `cap_parameter`
    sets (an award beyond it is trimmed or dropped); that bundle then competes with the other awards,
    the highest paid (就高不重复)."""
    assert document is not None, "stack_capped reads its cap from the governing document"
    combination = document.combination
    cited = f"{document.short} {document.parameters[combination.cap_parameter].clause}"
    bundle = sorted((a for a in awards if a.rule.stacks), key=lambda a: a.amount, reverse=True)
    units: list[list[Award[Any]]] = []
    if bundle:
        cap = ctx.num(combination.cap_parameter, document=document)
        running = ZERO
        kept: list[Award[Any]] = []
        for award in bundle:
            room = cap - running
            if room <= 0:
                not_applied.append({
                    "rule": award.rule.id,
                    "reason": (f"叠加后已达{combination.per}上限{fmt(cap)}万元（{cited}），本项核减为0"
                               f"（原{fmt(award.amount)}万元）"),
                })
                continue
            if award.amount > room:
                award.explanation += (f"；叠加受{combination.per}{fmt(cap)}万元上限（{cited}），"
                                      f"核减{fmt(award.amount - room)}万元，按{fmt(room)}万元")
                award.amount = room
            elif len(bundle) > 1:
                award.explanation += f"；与本项目其他{combination.stacked}叠加享受（{cited}）"
            running += award.amount
            kept.append(award)
        if kept:
            units.append(kept)
    units.extend([a] for a in awards if not a.rule.stacks)
    return _highest_unit(units, not_applied)


PRINCIPLES: dict[str, Principle] = {"highest_only": highest_only, "stack_capped": stack_capped}
assert tuple(PRINCIPLES) == PRINCIPLE_NAMES


def combine(awards: list[Award[Any]], ctx: Context, documents: Iterable[Document],
            not_applied: list[dict[str, str]]) -> list[Award[Any]]:
    """The awards paid for one matter, by the principle of the governing document (就高不重复 if none)."""
    governing = governing_document(documents, ctx.ordinal)
    principle = PRINCIPLES[governing.combination.principle] if governing is not None else highest_only
    return principle(awards, ctx, governing, not_applied)


def governing_document(documents: Iterable[Document], ordinal: int) -> Document | None:
    """The document whose combination principle governs a case on the day: of those in force, the latest
    to start that names a principle other than 就高不重复 (a later document changing how the earlier
    ones combine, as 002 三、11 does), else none (就高不重复)."""
    named = [d for d in documents if d.in_force(ordinal) and d.combination.principle != "highest_only"]
    return max(named, key=lambda d: d.start_ordinal) if named else None
