"""The 赛马 score of a region: how far ahead of time its targets are, one number per region.

For each of the region's targets with a completion: a flow indicator (counted over the year or the
plan) scores completion ÷ time progress — 1 is exactly on schedule — and a level indicator (a rate or
a stock, for which time progress does not apply) scores its completion; each is capped (default 1.2,
so that one runaway indicator cannot carry a region). The region's score is the weighted mean. The
cap and the weights are settings (LIANGHUA_BULLETIN_SCORE_CAP, LIANGHUA_BULLETIN_WEIGHTS): the seeds
ask for 赛马 but give no formula, and every bulletin prints the rule it used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from lianghua.targets.progress import TargetProgress

ONE = Decimal(1)
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class ScoreRule:
    cap: Decimal
    weights: Mapping[str, Decimal] = field(default_factory=dict)

    @classmethod
    def from_settings(cls) -> ScoreRule:
        return cls(cap=Decimal(str(settings.LIANGHUA_BULLETIN_SCORE_CAP)),
                   weights={code: Decimal(str(w)) for code, w in settings.LIANGHUA_BULLETIN_WEIGHTS.items()})

    def weight(self, indicator: str) -> Decimal:
        return self.weights.get(indicator, ONE)

    @property
    def text(self) -> str:
        """The rule as the bulletin prints it."""
        weights = "；".join(f"{code}×{w}" for code, w in sorted(self.weights.items()))
        return (f"综合得分 = 各项目标得分的{'加权' if self.weights else '算术'}平均："
                f"总量类指标得分 = 完成率 ÷ 时间进度，水平类指标（比率、存量）得分 = 完成率，单项得分最高计{self.cap}；"
                f"无数据的目标不计。{('权重：' + weights + '。') if weights else '各项目标权重相同。'}"
                "此算法为本平台设置（政策文件未规定计算方法）。")


def target_score(row: TargetProgress, rule: ScoreRule) -> Decimal | None:
    """One target's score (None: no completion, so not counted)."""
    if row.completion is None:
        return None
    if not row.is_stock and row.time_progress:
        ratio = row.completion / row.time_progress
    else:
        ratio = row.completion
    return min(ratio, rule.cap)


def region_score(rows: Iterable[TargetProgress], rule: ScoreRule) -> tuple[Decimal | None, int]:
    """A region's score (rounded half-up to 4 places) and how many targets it counted."""
    total = weights = Decimal(0)
    counted = 0
    for row in rows:
        score = target_score(row, rule)
        weight = rule.weight(row.indicator)
        if score is None or weight == 0:
            continue
        total += score * weight
        weights += weight
        counted += 1
    if not weights:
        return None, 0
    return (total / weights).quantize(PLACES, rounding=ROUND_HALF_UP), counted
