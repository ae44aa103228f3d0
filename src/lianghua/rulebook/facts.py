"""A facts vocabulary and the validation of facts against it.

A vocabulary maps each fact key to its kind: "amount" (a quantity ≥ 0: 万元, tce, t), "ratio" (0–1),
"bool", "int" (with the key's bounds), "enum:<name>" (one of a named set) or "list:<name>" (a non-empty
list of them). Validation is strict about types: true/false is no amount, text is no number, so a
mistyped input is an error naming the case and the key, never a silent zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

FactValidator = Callable[[str, str, object], object]


class FactsError(ValueError):
    """A case's input is invalid; names the case and the offending key."""

    def __init__(self, case_id: str, key: str, message: str) -> None:
        self.case_id = case_id
        self.key = key
        self.message = message
        super().__init__(f"案例 {case_id}：{key} — {message}")


def _enum_message(allowed: frozenset[str], raw: object) -> str:
    return f"取值 {raw!r} 无效，应为 {'/'.join(sorted(allowed))} 之一"


def amount_fact(case_id: str, key: str, raw: object) -> Decimal:
    raw_type = type(raw)
    if raw_type is int:
        value = Decimal(cast(int, raw))
    elif raw_type is Decimal or raw_type is float:
        value = cast(Decimal, raw) if raw_type is Decimal else Decimal(repr(raw))
        if not value.is_finite():
            raise FactsError(case_id, key, f"应为有限数值，实为 {raw}")
    else:
        # bool is an int subclass: the exact type checks above keep true/false out of amounts.
        raise FactsError(case_id, key, f"应为数值，实为 {raw_type.__name__}")
    if value < 0:
        raise FactsError(case_id, key, f"应为非负数，实为 {raw}")
    return value


def ratio_fact(case_id: str, key: str, raw: object) -> Decimal:
    value = amount_fact(case_id, key, raw)
    if value > 1:
        raise FactsError(case_id, key, f"应为0～1之间的比率，实为 {raw}")
    return value


def bool_fact(case_id: str, key: str, raw: object) -> bool:
    if type(raw) is not bool:
        raise FactsError(case_id, key, f"应为 true/false，实为 {raw!r}")
    return raw is True


def _int_fact(bounds: tuple[int, int]) -> FactValidator:
    low, high = bounds

    def check(case_id: str, key: str, raw: object) -> object:
        if type(raw) is not int or not isinstance(raw, int):  # exactly int: true/false is no count
            raise FactsError(case_id, key, f"应为整数，实为 {raw!r}")
        if not low <= raw <= high:
            raise FactsError(case_id, key, f"应在 {low}～{high} 之间，实为 {raw}")
        return raw

    return check


def _enum_fact(allowed: frozenset[str]) -> FactValidator:
    def check(case_id: str, key: str, raw: object) -> object:
        if raw not in allowed:
            raise FactsError(case_id, key, _enum_message(allowed, raw))
        return raw

    return check


def _list_fact(allowed: frozenset[str]) -> FactValidator:
    def check(case_id: str, key: str, raw: object) -> object:
        if not isinstance(raw, list | tuple) or not raw:
            raise FactsError(case_id, key, "应为非空列表")
        for item in raw:
            if item not in allowed:
                raise FactsError(case_id, key, _enum_message(allowed, item))
        return frozenset(raw)

    return check


@dataclass(frozen=True)
class Vocabulary:
    """The facts a family of rules reads: key -> kind, the named value sets, the bounds of int keys."""

    kinds: Mapping[str, str]
    enums: Mapping[str, frozenset[str]]
    int_bounds: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    validators: dict[str, FactValidator] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "validators", {key: self._validator(key, kind) for key, kind in self.kinds.items()})

    def _validator(self, key: str, kind: str) -> FactValidator:
        simple: dict[str, FactValidator] = {"amount": amount_fact, "ratio": ratio_fact, "bool": bool_fact}
        if kind in simple:
            return simple[kind]
        if kind == "int":
            return _int_fact(self.int_bounds[key])
        form, _, enum_name = kind.partition(":")
        if form not in ("enum", "list") or enum_name not in self.enums:
            raise ValueError(f"fact {key!r}: unknown kind {kind!r}")
        return _enum_fact(self.enums[enum_name]) if form == "enum" else _list_fact(self.enums[enum_name])

    def validate(self, case_id: str, key: str, raw: object) -> Any:
        """The fact's value, coerced (amounts to Decimal, lists to frozenset); FactsError otherwise."""
        return self.validators[key](case_id, key, raw)
