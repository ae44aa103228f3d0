"""Reporting discipline (填报纪律): for a region and a month, which projects owe a progress report, which
reported by the deadline, late, are awaiting review, or not at all — the 填报率 and 及时率 of each town.

A project owes the month's report when it was under construction in that month
(projects.selectors.month_report_owed). The report is on time when it
was submitted (the enterprise's submission time, or an officer's entry) by the deadline, day
`LIANGHUA_REPORT_DEADLINE_DAY` of the following month, local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from lianghua.core.formatting import LOCAL_TIME
from lianghua.core.months import month_add
from lianghua.projects.models import Project, ProjectProgress
from lianghua.projects.selectors import month_report_owed, projects_visible_to
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children, subtree_regions

from .models import Reminder, Submission

ON_TIME = "on_time"
LATE = "late"
PENDING = "pending"
MISSING = "missing"
STATUS_TEXT = {ON_TIME: "按时填报", LATE: "逾期填报", PENDING: "已提交待审核", MISSING: "未填报"}


def report_deadline(month: dt.date) -> dt.date:
    """The last day a month's report is on time: the setting's day of the following month."""
    return month_add(month.replace(day=1), 1).replace(day=min(settings.LIANGHUA_REPORT_DEADLINE_DAY, 28))


@dataclass
class ProjectDue:
    project: Project
    status: str
    reported_at: dt.datetime | None
    reminder: Reminder | None = None

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]


@dataclass
class RegionDiscipline:
    region: Region
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_TEXT, 0))

    @property
    def owed(self) -> int:
        return sum(self.counts.values())

    @property
    def reported_rate(self) -> Decimal | None:
        """填报率: reported (on time, late, or awaiting review) over owed."""
        return Decimal(self.owed - self.counts[MISSING]) / self.owed if self.owed else None

    @property
    def timely_rate(self) -> Decimal | None:
        """及时率: submitted by the deadline over owed."""
        return Decimal(self.counts[ON_TIME]) / self.owed if self.owed else None

    def add(self, status: str) -> None:
        self.counts[status] += 1


@dataclass
class MonthDiscipline:
    region: Region
    month: dt.date
    deadline: dt.date
    total: RegionDiscipline
    parts: list[RegionDiscipline]  # one per child region, in the tree's order
    due: list[ProjectDue]  # every owing project, the missing ones first

    @property
    def missing(self) -> list[ProjectDue]:
        return [d for d in self.due if d.status == MISSING]

    @property
    def reported(self) -> list[ProjectDue]:
        return [d for d in self.due if d.status != MISSING]

    @property
    def deadline_passed(self) -> bool:
        return timezone.localdate() > self.deadline


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL_TIME).date() if moment.tzinfo else moment.date()


def _status(reported_at: dt.datetime | None, submitted_at: dt.datetime | None, deadline: dt.date) -> tuple[str, Any]:
    if reported_at is not None:
        return (ON_TIME if _local_day(reported_at) <= deadline else LATE), reported_at
    if submitted_at is not None:
        # Awaiting review: counted as reported; on time only once approved (its time is then the submission's).
        return PENDING, submitted_at
    return MISSING, None


def projects_owing(user, region: Region, month: dt.date) -> QuerySet[Project]:
    """The user's projects in `region` that owe `month`'s report, with the report's time and a pending
    submission's time annotated (one query)."""
    report = ProjectProgress.objects.filter(project=OuterRef("pk"), month=month.replace(day=1))
    pending = Submission.objects.filter(project=OuterRef("pk"), month=month.replace(day=1),
                                        kind=Submission.Kind.PROGRESS, status=Submission.Status.PENDING)
    return (projects_visible_to(user).filter(month_report_owed(month), enterprise__region__in=subtree_regions(region))
            .select_related("enterprise", "enterprise__region")
            .annotate(reported_at_month=Subquery(report.values("reported_at")[:1]),
                      submitted_at_month=Subquery(pending.values("submitted_at")[:1]))
            .order_by("enterprise__region__path", "code"))


def month_discipline(user, region: Region, month: dt.date) -> MonthDiscipline:
    month = month.replace(day=1)
    deadline = report_deadline(month)
    children = list(region_children(region))
    parts = {child.path: RegionDiscipline(child) for child in children}
    total = RegionDiscipline(region)
    due: list[ProjectDue] = []
    for project in projects_owing(user, region, month):
        status, moment = _status(project.reported_at_month, project.submitted_at_month, deadline)
        due.append(ProjectDue(project, status, moment))
        total.add(status)
        path = project.enterprise.region.path
        part = next((parts[p] for p in parts if path.startswith(p)), None)
        if part is not None:
            part.add(status)
    reminders = {r.project_id: r for r in Reminder.objects.filter(
        month=month, project_id__in=[d.project.pk for d in due if d.status == MISSING]).select_related("sent_by")}
    for item in due:
        item.reminder = reminders.get(item.project.pk)
    order = list(STATUS_TEXT)[::-1]  # missing first, then pending, late, on time
    due.sort(key=lambda d: order.index(d.status))
    return MonthDiscipline(region, month, deadline, total, [parts[c.path] for c in children], due)


def reminders_open(projects: Iterable[Project]) -> list[Reminder]:
    """The reminders an enterprise still has to answer: their month has neither a report nor a pending
    submission."""
    reported = ProjectProgress.objects.filter(project=OuterRef("project"), month=OuterRef("month"))
    pending = Submission.objects.filter(project=OuterRef("project"), month=OuterRef("month"),
                                        kind=Submission.Kind.PROGRESS, status=Submission.Status.PENDING)
    return list(Reminder.objects.filter(project__in=list(projects))
                .exclude(Exists(reported)).exclude(Exists(pending))
                .select_related("project", "sent_by").order_by("month", "project__code"))
