"""The numbers the subsidy documents leave open (`setting: true` in data/policies/, and the undated
draft's start date): what an administrator sets, on the settings page or with `lianghua subsidy set`.

`open_settings()` lists them with their document, clause, note, unit and current value;
`setting_value_read(setting, text)` reads what a person typed into the value the data files take, or
raises ValueError with the Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from lianghua.core.formatting import decimal_text, number

from .models import PolicySetting
from .rules import policy_set_current

NUMBER = "number"
RATIO = "ratio"
TIERS = "tiers"
DATE = "date"


@dataclass(frozen=True)
class OpenSetting:
    name: str  # "<document>.<parameter>" or "<document>.start"
    document: str
    document_title: str
    clause: str
    note: str
    unit: str
    form: str  # NUMBER, RATIO, TIERS or DATE
    stored: PolicySetting | None

    @property
    def typed(self) -> str:
        """The stored value as its form field shows it (what one would type to set it again)."""
        if self.stored is None:
            return ""
        if self.form == TIERS and isinstance(self.stored.value, list):
            return "\n".join(f"{t['min_revenue']} {t['amount']}" for t in self.stored.value)
        return str(self.stored.value)

    @property
    def value_shown(self) -> str:
        if self.stored is None:
            return "未设置"
        return setting_value_text(self.form, self.stored.value)


def setting_value_text(form: str, value: Any) -> str:
    """A stored setting as a person reads it: 30%, 2022-01-01, "≥100万元 奖20万元；…"."""
    if form == TIERS and isinstance(value, list):
        return "；".join(f"服务营业收入≥{number(t['min_revenue'])}万元 奖{number(t['amount'])}万元" for t in value)
    if form == RATIO:
        return f"{number(Decimal(str(value)) * 100)}%"
    return str(value) if form == DATE else number(value)


def open_settings() -> list[OpenSetting]:
    """Every open number of the documents in force for this installation (settings as stored now)."""
    stored = {s.name: s for s in PolicySetting.objects.select_related("set_by")}
    found = []
    for document in policy_set_current().documents.values():  # compiled once, not per page
        if document.start_is_setting:
            name = f"{document.id}.start"
            found.append(OpenSetting(name, document.id, document.title, document.period_clause, document.start_note,
                                     "日期", DATE, stored.get(name)))
        for parameter in document.parameters.values():
            if not parameter.setting:
                continue
            form = TIERS if parameter.key.endswith(".tiers") else RATIO if parameter.unit == "ratio" else NUMBER
            found.append(OpenSetting(parameter.name, document.id, document.title, parameter.clause, parameter.note,
                                     parameter.unit, form, stored.get(parameter.name)))
    return found


_TIER_LINE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*[ ,，、:：]\s*([0-9]+(?:\.[0-9]+)?)\s*$")


def _decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{what}“{text.strip()}”不是数字") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"{what}应为不小于0的数字")
    return value


def setting_value_read(setting: OpenSetting, text: str) -> Any:
    """The stored form of a typed value: a number as decimal text, a ratio from "30%" or "0.3", a date
    YYYY-MM-DD, tiers one per line "下限 奖励"."""
    text = (text or "").strip()
    if not text:
        raise ValueError("请填写取值")
    if setting.form == DATE:
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError(f"日期“{text}”应为 YYYY-MM-DD") from None
    if setting.form == TIERS:
        tiers = []
        for number_, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = _TIER_LINE.match(line)
            if match is None:
                raise ValueError(f"第{number_}行“{line.strip()}”应为“服务营业收入下限(万元) 奖励(万元)”，如 500 20")
            tiers.append({"min_revenue": decimal_text(Decimal(match[1])), "amount": decimal_text(Decimal(match[2]))})
        if not tiers:
            raise ValueError("请至少填写一档")
        return tiers
    if setting.form == RATIO:
        value = _decimal(text.removesuffix("%"), "比例") / (100 if text.endswith("%") else 1)
        if value > 1:
            raise ValueError("比例应在0～1之间（或写成百分数，如 30%）")
        return decimal_text(value)
    return decimal_text(_decimal(text, "取值"))
