"""Writes to the project pipeline. Pages, the API, imports and the demo all go through these.

Every stage change leaves a ProjectStageLog row (who, when, from, to) and a domain event, so funnel and
lateness reports can read the timeline.
"""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lianghua.audit.bulk import UpsertResult, rows_upsert
from lianghua.audit.editing import record_save
from lianghua.audit.models import ChangeRecord
from lianghua.audit.services import change_record, domain_event_record, snapshot
from lianghua.core.bulk import FETCH_CHUNK, chunks, rows_insert, where_in

from .models import Activity, Project, ProjectProgress, ProjectStageLog
from .stages import STAGE_BY_CODE, stage_missing_fields

# The date a stage is reached on, where the project records it; other stages are dated today.
STAGE_DATE_FIELD = {"in_progress": "actual_start", "completed": "actual_end", "accepted": "accepted_on"}
TERMINATED = "terminated"


def stage_changed_on(stage_code: str, values: dict[str, Any], today: datetime.date) -> datetime.date:
    """The date a project entered `stage_code`: its date field for that stage, else `today`."""
    date_field = STAGE_DATE_FIELD.get(stage_code)
    return (values.get(date_field) if date_field else None) or today


@transaction.atomic
def project_advance_stage(*, project: Project, to_stage: str, by, on: datetime.date | None = None,
                          note: str = "", correction: bool = False, source: str = "") -> ProjectStageLog:
    """Move a project to a later stage (or to 终止), once the fields that stage requires are filled.

    `correction` lets an officer put a wrongly recorded stage back (在建 recorded as 竣工); it needs a
    `note` saying why, as 终止 does on a page. Every change writes the stage log, the history and an event."""
    if to_stage not in STAGE_BY_CODE:
        raise ValidationError(f"未知的项目阶段“{to_stage}”")
    project = Project.objects.select_for_update().get(pk=project.pk)
    current, target = STAGE_BY_CODE[project.stage], STAGE_BY_CODE[to_stage]
    if project.stage == to_stage:
        raise ValidationError(f"项目已处于“{target.name}”阶段")
    if project.stage == TERMINATED and not correction:
        raise ValidationError("项目已终止，不能再变更阶段")
    backwards = to_stage != TERMINATED and target.order < current.order
    if backwards and not correction:
        raise ValidationError(f"项目阶段只能向后推进（当前“{current.name}”，不能回到“{target.name}”）")
    if correction and not note.strip():
        raise ValidationError("更正项目阶段须填写说明")
    missing = stage_missing_fields(to_stage, {f: getattr(project, f) for f in target.required_fields})
    if missing:
        raise ValidationError(f"进入“{target.name}”阶段前须填写：{'、'.join(missing)}")
    before = snapshot(project)
    project.stage = to_stage
    project.save(update_fields=["stage", "updated_at"])
    changed_on = on or stage_changed_on(to_stage, {f: getattr(project, f) for f in STAGE_DATE_FIELD.values()},
                                        timezone.localdate())
    log = ProjectStageLog.objects.create(project=project, from_stage=current.code, to_stage=to_stage,
                                         changed_on=changed_on, by=by if getattr(by, "pk", None) else None,
                                         note=note[:200])
    change_record(actor=by, instance=project, action=ChangeRecord.Action.UPDATE, before=before, source=source,
                  reason=note)
    domain_event_record(kind="project.stage_changed", actor=by, region=project.enterprise.region,
                        project=project.code, from_stage=current.code, to_stage=to_stage, changed_on=changed_on)
    return log


@transaction.atomic
def project_save(*, instance: Project, values: dict[str, Any], by, version: int | None, source: str) -> Project:
    """Register or correct a project from a page. A new project's stage is logged as the import logs
    it; afterwards the stage changes only through project_advance_stage (dated, with its reason)."""
    creating = instance.pk is None
    values = {name: value for name, value in values.items() if creating or name not in ("stage", "health")}
    saved = record_save(instance=instance, values=values, by=by, version=version, source=source)
    assert isinstance(saved, Project)
    if creating:
        ProjectStageLog.objects.create(project=saved, from_stage="", to_stage=saved.stage, note="页面新建",
                                       changed_on=stage_changed_on(saved.stage, values, timezone.localdate()),
                                       by=by if getattr(by, "pk", None) else None)
    return saved


@transaction.atomic
def project_health_set(*, project: Project, health: str, reason: str, by, source: str) -> Project:
    """正常 / 滞后 / 停滞, always with the reason (kept in the history and shown on the project)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写原因"})
    saved = record_save(instance=project, values={"health": health}, by=by, version=None, source=source,
                        reason=reason.strip())
    assert isinstance(saved, Project)
    return saved


@transaction.atomic
def projects_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None,
                         today: datetime.date | None = None) -> UpsertResult:
    """rows: code, name, enterprise_id, category, stage and any other project fields.

    A new project, or one whose stage the rows change, gets a stage-log row dated by the new stage's
    date field (实际开工/竣工/验收日期) or today.
    """
    result = rows_upsert(model=Project, rows=rows, key=("code",), by=by, import_batch=import_batch,
                         describe=lambda p: f"{p['code']} {p['name']}")
    today = today or timezone.localdate()
    actor_id = getattr(by, "pk", None)
    batch_id = getattr(import_batch, "pk", None)
    now = timezone.now()
    changes = [(p, "", "导入新建") for p in result.created]
    changes += [(p, before["stage"], "导入更新") for before, p in result.updated if before["stage"] != p["stage"]]
    rows_insert(ProjectStageLog, [
        {"project_id": p["id"], "from_stage": from_stage, "to_stage": p["stage"], "at": now, "by_id": actor_id,
         "import_batch_id": batch_id, "changed_on": stage_changed_on(p["stage"], p, today), "note": note}
        for p, from_stage, note in changes
    ])
    return result


@transaction.atomic
def project_progress_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None) -> UpsertResult:
    """rows: project_id, month (1st of the month), cumulative_investment_wan."""
    codes: dict[int, str] = {}  # the history names a report by its project's code, never its internal id
    for chunk in chunks(sorted({row["project_id"] for row in rows}), FETCH_CHUNK):
        codes.update(where_in(Project.objects.all(), Project, "id", chunk).values_list("id", "code"))

    def progress_text(row: dict[str, Any]) -> str:
        # isoformat and str, not strftime and format(): a million rows per file at province scale.
        return (f"{codes.get(row['project_id'], '')} {row['month'].isoformat()[:7]} "
                f"累计{row['cumulative_investment_wan']!s}万元")

    return rows_upsert(model=ProjectProgress, rows=rows, key=("project_id", "month"), by=by,
                       import_batch=import_batch, describe=progress_text)


@transaction.atomic
def activities_bulk_upsert(*, rows: Sequence[dict[str, Any]], by, import_batch=None) -> UpsertResult:
    """rows: date, region_id, title, kind, attendance."""
    return rows_upsert(model=Activity, rows=rows, key=("date", "region_id", "title"), by=by,
                       import_batch=import_batch, describe=lambda a: f"{a['date']} {a['title']}")
