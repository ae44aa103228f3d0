"""The share computation: one indicator's actual as a % of another's, each the region's own actual
(registry or 填报值) over the same window — 技改投资占制造业投资比重 (002 一), 绿色贷款余额占比 (001 二(四)12).
Progress composes it from the parts (targets/progress.py); the records list the two parts."""

from __future__ import annotations

from typing import Any

from ..computation import Computation


def share_parts(params: dict[str, Any]) -> tuple[str, str]:
    return str(params["numerator"]), str(params["denominator"])


def share_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    missing = [key for key in ("numerator", "denominator") if not params.get(key)]
    if missing:
        return [f"需要 params.{key}（指标代码）" for key in missing]
    if params["numerator"] == params["denominator"]:
        return ["numerator 与 denominator 不能是同一指标"]
    return []


COMPUTATIONS = (Computation("share", None, None, stock_from_params=True, parts=share_parts,
                            params_problems=share_problems),)
