"""Decomposition check: does each parent region's target equal the sum of its children's targets?

For every additive indicator × year × basis of a plan, the parent's target is compared with the sum of
the targets of its direct child regions that have a target for that same indicator, year and basis.
The check only reports; it never alters a target.

Rounding rule. A table prints a row at one precision, and each child's figure was rounded to it, so
each child may be off by half a unit of the last published decimal place. With d = the largest number
of decimal places among the children's figures (storage drops trailing zeros: "1.90" is kept as 1.9,
so the row's precision is read from its most precise figure), the tolerance is

    n_children × 0.5 × 10^-d        (0 when d = 0)

Figures published without decimals (counts of projects, enterprises, events) are taken as exact.
A difference of 0 is `ok`; a difference within the tolerance is `rounding`; anything larger is
`mismatch`; a parent or child with no readable value (null) makes the group `unreadable`. A child
region that has targets of the indicator in other years or bases but not in this one is named in
`missing` (the likely cause of a mismatch, e.g. a town row left out of one year).

E.g. Haiyan 2024 investment: towns 1.92 + 24.21 + … + 1.31 = 49.99 vs 全县 50, d = 2, tolerance
9 × 0.005 = 0.045 → rounding. 清洁生产审核 到2025年: towns sum to 10 vs 全县 20 → mismatch.

`decomposition_check` is pure (plain rows in, plain results out; mypy --strict);
`targets.selectors.plan_decomposition_check` builds the rows of one plan from the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

OK = "ok"
ROUNDING = "rounding"
MISMATCH = "mismatch"
UNREADABLE = "unreadable"
STATUS_LABELS = {OK: "一致", ROUNDING: "舍入误差", MISMATCH: "不一致", UNREADABLE: "无法校核"}
BASIS_LABELS = {"annual": "年度", "cumulative": "累计"}


@dataclass(frozen=True)
class TargetFigure:
    """One target as the check needs it."""

    indicator: str
    region: str  # region code
    parent: str | None  # the region's parent code
    year: int
    basis: str
    value: Decimal | None
    region_name: str = ""
    region_order: int = 0


@dataclass(frozen=True)
class DecompositionCheck:
    indicator: str
    year: int
    basis: str
    region: str
    region_name: str
    target: Decimal | None
    children: tuple[TargetFigure, ...]
    children_sum: Decimal | None
    difference: Decimal | None  # children_sum − target
    relative: Decimal | None  # difference ÷ target (None when the target is 0 or unreadable)
    decimals: int  # published decimal places of the children's row
    tolerance: Decimal
    status: str
    missing: tuple[tuple[str, str], ...] = ()  # (code, name) of child regions without a target here
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_issue(self) -> bool:
        return self.status != OK


def published_decimals(value: Decimal) -> int:
    """Decimal places of a figure as stored, trailing zeros dropped: 1.9000 → 1, 50.0000 → 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def rounding_tolerance(children: Iterable[Decimal]) -> tuple[int, Decimal]:
    """(d, n × 0.5 × 10^-d) for the children's figures; (0, 0) when they are whole numbers."""
    values = list(children)
    decimals = max((published_decimals(v) for v in values), default=0)
    if decimals == 0:
        return 0, Decimal(0)
    return decimals, len(values) * Decimal("0.5") * Decimal(10) ** -decimals


def decomposition_check(figures: Iterable[TargetFigure], additive: set[str]) -> list[DecompositionCheck]:
    """Every parent × additive indicator × year × basis that has children with targets, checked.

    Results are sorted by indicator (in the order first seen), year, basis and parent region.
    """
    figures = list(figures)
    by_key: dict[tuple[str, str, int, str], TargetFigure] = {}
    children: dict[tuple[str, str, int, str], list[TargetFigure]] = defaultdict(list)
    indicator_order: dict[str, int] = {}
    for figure in figures:
        if figure.indicator not in additive:
            continue
        indicator_order.setdefault(figure.indicator, len(indicator_order))
        by_key[(figure.indicator, figure.region, figure.year, figure.basis)] = figure
        if figure.parent:
            children[(figure.indicator, figure.parent, figure.year, figure.basis)].append(figure)
    # The children a parent's indicator is decomposed into, over all its years and bases.
    expected: dict[tuple[str, str], dict[str, TargetFigure]] = defaultdict(dict)
    for (indicator, parent_code, _, _), kids in children.items():
        for kid in kids:
            expected[(indicator, parent_code)].setdefault(kid.region, kid)
    checks = []
    for key, kids in children.items():
        parent = by_key.get(key)
        if parent is None:
            continue  # no parent target for this row: nothing to check against
        kids = sorted(kids, key=lambda f: (f.region_order, f.region))
        present = {k.region for k in kids}
        missing = sorted((f for code, f in expected[(key[0], key[1])].items() if code not in present),
                         key=lambda f: (f.region_order, f.region))
        checks.append(_check(parent, tuple(kids), tuple((f.region, f.region_name) for f in missing)))
    checks.sort(key=lambda c: (indicator_order[c.indicator], c.year, c.basis, c.region))
    return checks


def _check(parent: TargetFigure, kids: tuple[TargetFigure, ...],
           missing: tuple[tuple[str, str], ...] = ()) -> DecompositionCheck:
    unreadable = DecompositionCheck(
        indicator=parent.indicator, year=parent.year, basis=parent.basis, region=parent.region,
        region_name=parent.region_name, target=parent.value, children=kids, missing=missing, children_sum=None,
        difference=None, relative=None, decimals=0, tolerance=Decimal(0), status=UNREADABLE)
    values = [k.value for k in kids if k.value is not None]
    if parent.value is None or len(values) < len(kids):
        return unreadable
    total = sum(values, Decimal(0))
    difference = total - parent.value
    relative = difference / parent.value if parent.value else None
    decimals, tolerance = rounding_tolerance(values)
    if difference == 0:
        status = OK
    elif abs(difference) <= tolerance:
        status = ROUNDING
    else:
        status = MISMATCH
    return replace(unreadable, children_sum=total, difference=difference, relative=relative, decimals=decimals,
                   tolerance=tolerance, status=status)
