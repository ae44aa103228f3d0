"""The month's drafts, as background jobs on the database task queue (django-tasks; `lianghua worker`).

After the reporting deadline of a month (setting LIANGHUA_REPORT_DEADLINE_DAY), every region that has a
bulletin to give — a plan's targets for it and for its children in that year — gets that month's draft,
and its officers are told (accounts.notifications). `monthly_drafts_enqueue(today)` starts the run once a
month (the worker calls it every few minutes; `lianghua report drafts` does it by hand or from cron); an
officer may also start a run for their own subtree. Each run records its progress (DraftRun) while the
worker renders the PDFs.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from lianghua.accounts.models import User
from lianghua.accounts.notifications import notify
from lianghua.core.months import last_reported_month, month_add
from lianghua.regions.models import Region
from lianghua.regions.selectors import home_region, subtree_regions
from lianghua.targets.models import Plan, Target

from .models import DraftRun
from .periods import MONTH, Period
from .services import bulletin_draft, latest_published

logger = logging.getLogger(__name__)


def month_deadline(month: dt.date) -> dt.date:
    return month_add(month, 1).replace(day=settings.LIANGHUA_REPORT_DEADLINE_DAY)


def month_due(today: dt.date) -> dt.date | None:
    """The month whose drafts are due on `today`: the last month, once its reporting deadline has passed."""
    month = last_reported_month(today)
    return month if today > month_deadline(month) else None


def bulletins_to_draft(root: Region, month: dt.date) -> list[tuple[Plan, Region]]:
    """(plan, region) within `root`'s subtree with a bulletin to give for `month`: the region has targets of
    the plan for the year and so do some of its children."""
    year = month.year
    targets = Target.objects.filter(year=year, plan__start_year__lte=year, plan__end_year__gte=year,
                                    region__in=subtree_regions(root))
    pairs = set(targets.filter(region__parent_id__isnull=False).values_list("plan_id", "region__parent_id").distinct())
    own = set(targets.values_list("plan_id", "region_id").distinct())
    wanted = sorted(pairs & own)
    plans = Plan.objects.in_bulk({p for p, _ in wanted})
    regions = Region.objects.in_bulk({r for _, r in wanted})
    return [(plans[p], regions[r]) for p, r in sorted(wanted, key=lambda pr: (regions[pr[1]].path, plans[pr[0]].code))]


def draft_run_start(*, month: dt.date, region: Region, by: Any = None) -> DraftRun:
    """Record a run and queue it (once the transaction commits, so the worker finds the row)."""
    run = DraftRun.objects.create(month=month, region=region, requested_by=by if getattr(by, "pk", None) else None)
    transaction.on_commit(lambda: draft_run.enqueue(run.pk))
    return run


def monthly_drafts_enqueue(today: dt.date | None = None) -> DraftRun | None:
    """The monthly job: start the due month's run for the whole installation, unless one has started."""
    today = today or timezone.localdate()
    month = month_due(today)
    root = home_region() or Region.objects.order_by("depth", "code").first()
    if month is None or root is None:
        return None
    with transaction.atomic():
        if DraftRun.objects.filter(month=month, region=root, requested_by__isnull=True).exclude(
                status=DraftRun.Status.FAILED).exists():
            return None
        return draft_run_start(month=month, region=root)


def _officers_of(region: Region) -> list[User]:
    return list(User.objects.filter(is_active=True, role="officer", region=region))


def draft_run_execute(run: DraftRun) -> DraftRun:
    """Draft every bulletin of the run's subtree for its month (skipping those already published), and tell
    each region's officers. Progress is saved after each bulletin."""
    period = Period(MONTH, run.month.year, run.month.month)
    todo = bulletins_to_draft(run.region, run.month)
    DraftRun.objects.filter(pk=run.pk).update(status=DraftRun.Status.RUNNING, total=len(todo), done=0)
    drafted, skipped = [], 0
    for done, (plan, region) in enumerate(todo, start=1):
        if latest_published(plan, region, period.code) is None:
            issue = bulletin_draft(user=None, plan=plan, region=region, period=period)
            drafted.append(issue)
            notify(_officers_of(region), title=f"{issue.title}草稿已生成",
                   body=f"{issue.summary}\n请核对后发布。", url=reverse("bulletins:issue", args=[issue.pk]))
        else:
            skipped += 1
        DraftRun.objects.filter(pk=run.pk).update(done=done)
    message = f"生成草稿{len(drafted)}份" + (f"，{skipped}份本期已发布未重新生成" if skipped else "")
    DraftRun.objects.filter(pk=run.pk).update(status=DraftRun.Status.DONE, message=message,
                                              finished_at=timezone.now())
    if run.requested_by_id:
        notify([run.requested_by], title=f"{run.region.name}{run.month:%Y年%-m月}通报草稿：{message}",
               url=reverse("bulletins:archive") + "?status=draft")
    run.refresh_from_db()
    return run


@task()
def draft_run(run_id: int) -> str:
    run = DraftRun.objects.select_related("region", "requested_by").get(pk=run_id)
    try:
        return draft_run_execute(run).message
    except Exception as error:
        DraftRun.objects.filter(pk=run_id).update(status=DraftRun.Status.FAILED, finished_at=timezone.now(),
                                                  message=f"生成失败：{error}")
        logger.exception("通报草稿生成失败（%s）", run)
        raise

