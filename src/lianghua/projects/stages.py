"""The project lifecycle as ordered data (DESIGN §4): 储备 → 在库 → 在建 → 竣工 → 验收 → 评价, or 终止.

Each stage declares the fields that become mandatory from it on, so a page can say what is still
missing before the next step and an import can refuse a row that claims a stage without its dates.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Stage:
    code: str
    name: str
    order: int
    required_fields: tuple[str, ...]


STAGES: tuple[Stage, ...] = (
    Stage("reserve", "储备", 10, ()),
    Stage("pooled", "在库", 20, ("planned_start", "planned_end", "total_investment_wan")),
    Stage("in_progress", "在建", 30, ("planned_start", "planned_end", "total_investment_wan", "actual_start")),
    Stage("completed", "竣工", 40,
          ("planned_start", "planned_end", "total_investment_wan", "actual_start", "actual_end")),
    Stage("accepted", "验收", 50,
          ("planned_start", "planned_end", "total_investment_wan", "actual_start", "actual_end", "accepted_on")),
    Stage("evaluated", "评价", 60,
          ("planned_start", "planned_end", "total_investment_wan", "actual_start", "actual_end", "accepted_on")),
    Stage("terminated", "终止", 90, ()),
)
STAGE_BY_CODE = {s.code: s for s in STAGES}
STAGE_BY_NAME = {s.name: s for s in STAGES}
STAGE_CHOICES = [(s.code, s.name) for s in STAGES]

FIELD_LABELS = {
    "planned_start": "计划开工日期",
    "planned_end": "计划竣工日期",
    "total_investment_wan": "总投资(万元)",
    "actual_start": "实际开工日期",
    "actual_end": "实际竣工日期",
    "accepted_on": "验收日期",
}


def stage_missing_fields(stage_code: str, values: dict[str, Any]) -> list[str]:
    """Labels of the fields the stage requires that `values` leaves empty."""
    stage = STAGE_BY_CODE[stage_code]
    return [FIELD_LABELS[f] for f in stage.required_fields if values.get(f) in (None, "")]
