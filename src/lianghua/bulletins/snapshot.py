"""The data a bulletin printed, as plain JSON (stored with every published version), its fingerprint, and
what changed between two versions in words an officer reads ("武原街道 · 数字化改造项目数（年度） 实际 12 → 13")."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lianghua.core.formatting import decimal_text, number, percent

from .compose import Bulletin

PLACES = 4
CHANGES_LISTED = 40  # a correction names at most this many changes, then how many more


def bulletin_snapshot(bulletin: Bulletin) -> dict[str, Any]:
    return {
        "plan": bulletin.plan.code,
        "region": {"code": bulletin.region.code, "name": bulletin.region.name},
        "period": bulletin.period.code,
        "as_of": bulletin.as_of.isoformat(),
        "title": bulletin.title,
        "rule": bulletin.rule.text,
        "summary": bulletin.summary,
        "targets": [row.as_dict() for row in bulletin.rows],
        "standings": [{
            "code": s.code, "name": s.name, "score": decimal_text(s.score, PLACES), "rank": s.rank,
            "previous_rank": s.previous_rank, "counted": s.counted, "lagging": s.lagging,
            "reported_rate": decimal_text(s.reporting.reported_rate, PLACES) if s.reporting else None,
            "timely_rate": decimal_text(s.reporting.timely_rate, PLACES) if s.reporting else None,
        } for s in bulletin.standings],
        "reporting": {
            "month": bulletin.period.last_month.isoformat(),
            "owed": bulletin.discipline.total.owed,
            "counts": dict(bulletin.discipline.total.counts),
        },
        "behind": [{
            "project": b.project.code, "name": b.project.name, "enterprise": b.project.enterprise.name,
            "region": b.project.enterprise.region.name, "stage": b.project.get_stage_display(),
            "reason": b.reason, "planned": b.planned.isoformat(), "days": b.days,
        } for b in bulletin.behind],
    }


def canonical(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def snapshot_sha256(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def _figure(value: str | None, unit: str = "") -> str:
    return "无数据" if value is None else f"{number(value)}{unit}"


def snapshot_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What a new version says differently from the one before: target figures, 赛马 scores and ranks,
    reporting and the overdue projects."""
    changes: list[str] = []
    basis = {"annual": "年度", "cumulative": "累计"}
    old_rows = {(r["region_code"], r["indicator"], r["basis"]): r for r in before.get("targets", [])}
    for row in after.get("targets", []):
        key = (row["region_code"], row["indicator"], row["basis"])
        old = old_rows.pop(key, None)
        name = f"{row['region_name']} · {row['indicator_name']}（{basis.get(row['basis'], row['basis'])}）"
        if old is None:
            changes.append(f"{name} 新增")
            continue
        for field, label in (("target", "目标"), ("actual", "实际")):
            if old[field] != row[field]:
                changes.append(f"{name} {label} {_figure(old[field], row['unit'])} → {_figure(row[field], row['unit'])}")
        if old["status"] != row["status"]:
            changes.append(f"{name} 状态 {old['status_label']} → {row['status_label']}")
    changes += [f"{r['region_name']} · {r['indicator_name']} 不再通报" for r in old_rows.values()]
    old_standings = {s["code"]: s for s in before.get("standings", [])}
    for s in after.get("standings", []):
        old = old_standings.get(s["code"])
        if old and (old["score"], old["rank"]) != (s["score"], s["rank"]):
            changes.append(f"{s['name']} 综合得分 {number(old['score'], 4)}（第{old['rank'] or '—'}名）→ "
                           f"{number(s['score'], 4)}（第{s['rank'] or '—'}名）")
        if old and old["reported_rate"] != s["reported_rate"]:
            changes.append(f"{s['name']} 进度填报率 {percent(old['reported_rate'])} → {percent(s['reported_rate'])}")
    old_behind = {b["project"] for b in before.get("behind", [])}
    new_behind = {b["project"] for b in after.get("behind", [])}
    if old_behind != new_behind:
        changes.append(f"超过计划日期的项目 {len(old_behind)} 个 → {len(new_behind)} 个")
    if len(changes) > CHANGES_LISTED:
        changes = changes[:CHANGES_LISTED] + [f"另有{len(changes) - CHANGES_LISTED}处变化"]
    return changes
