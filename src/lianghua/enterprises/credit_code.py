"""统一社会信用代码 check (GB 32100-2015; algorithm in shared/reference/domain-facts.md §6)."""

import re
from operator import mul

from django.core.exceptions import ValidationError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # I, O, S, V, Z are never used
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, …
_VALUE = {c: i for i, c in enumerate(CHARSET)}
# [0-9], not \d: \d also takes full-width and other Unicode digits, which have no value in CHARSET.
_FORM = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")


def credit_code_check_char(first17: str) -> str:
    total = sum(map(mul, map(_VALUE.__getitem__, first17), WEIGHTS))  # all in C: imports check 100,000
    return CHARSET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """None when valid, otherwise the reason in Chinese."""
    if len(code) != 18:
        return f"应为18位，实际{len(code)}位"
    if not _FORM.fullmatch(code):
        return "含有不允许的字符（不使用I、O、S、V、Z）或第3–8位不是数字"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误（应为{expected}）"
    return None


def credit_code_is_valid(code: str) -> bool:
    return credit_code_problem(code) is None


def credit_code_validate(value: str) -> None:
    """The model field validator (admin and any full_clean): the same check as imports, in Chinese."""
    problem = credit_code_problem(value or "")
    if problem is not None:
        raise ValidationError(f"统一社会信用代码“%(value)s”{problem}", code="credit_code", params={"value": value})
