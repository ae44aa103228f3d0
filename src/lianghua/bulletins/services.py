"""Keeping bulletins: a draft (stored, not yet public), publishing (a frozen, numbered version with its
files, its data and their fingerprints), and reading a kept file back (checked against its sha256)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_sees_region
from lianghua.audit.models import DomainEvent
from lianghua.audit.services import domain_event_record
from lianghua.regions.models import Region
from lianghua.targets.models import Plan

from .compose import Bulletin, BulletinError, bulletin_compose
from .document import bulletin_context, bulletin_document
from .models import Issue, IssueFile
from .pdf import bulletin_pdf, html_pdf
from .periods import Period
from .snapshot import bulletin_snapshot, snapshot_changes, snapshot_sha256
from .workbook import bulletin_workbook


class IntegrityError(RuntimeError):
    """A kept file whose bytes no longer match the sha256 recorded when it was published."""


def _files(bulletin: Bulletin, *, pdf: bool = True) -> dict[str, bytes]:
    files = {IssueFile.Kind.XLSX: bulletin_workbook(bulletin), IssueFile.Kind.HTML: bulletin_document(bulletin).encode("utf-8")}
    if pdf:
        files[IssueFile.Kind.PDF] = bulletin_pdf(bulletin)
    return files


def _issue_fields(bulletin: Bulletin) -> dict[str, Any]:
    snapshot = bulletin_snapshot(bulletin)
    return {
        "plan": bulletin.plan, "region": bulletin.region, "period": bulletin.period.code,
        "period_label": bulletin.period.label, "as_of": bulletin.as_of, "title": bulletin.title,
        "summary": bulletin.summary, "snapshot": snapshot, "sha256": snapshot_sha256(snapshot),
        "composed_at": bulletin.composed_at,
        "body_html": render_to_string("bulletins/_bulletin.html", bulletin_context(bulletin)),
    }


def _store_files(issue: Issue, files: dict[str, bytes]) -> None:
    IssueFile.objects.bulk_create([IssueFile(issue=issue, kind=kind, content=content, size=len(content),
                                             sha256=hashlib.sha256(content).hexdigest())
                                   for kind, content in files.items()])


def _refuse_unless_publisher(user: Any, region: Region) -> None:
    if not user_may(user, Capability.PUBLISH):
        raise BulletinError("您的账号不能发布通报")
    if not user_sees_region(user, region):
        raise BulletinError(f"您的账号不能发布{region.name}的通报")


def bulletin_draft(*, user: Any, plan: Plan, region: Region, period: Period) -> Issue:
    """Compose and keep the period's draft (replacing an earlier draft; published versions stay). A draft's
    PDF is laid out from its own web file when first asked for (`issue_file`): the month's run drafts
    every county of a province without printing a PDF nobody may open."""
    bulletin = bulletin_compose(user=user, plan=plan, region=region, period=period)
    fields, files = _issue_fields(bulletin), _files(bulletin, pdf=False)  # before the transaction: it stays short
    with transaction.atomic():
        Issue.objects.filter(plan=plan, region=region, period=period.code, status=Issue.Status.DRAFT).delete()
        issue = Issue.objects.create(**fields, status=Issue.Status.DRAFT,
                                     created_by=user if getattr(user, "pk", None) else None)
        _store_files(issue, files)
        domain_event_record(kind=DomainEvent.Kind.BULLETIN_DRAFTED, actor=user, region=region,
                            plan=plan.code, period=period.code)
    return issue


def latest_published(plan: Plan, region: Region, period_code: str) -> Issue | None:
    return (Issue.objects.filter(plan=plan, region=region, period=period_code, status=Issue.Status.PUBLISHED)
            .order_by("-version").first())


def bulletin_publish(*, user: Any, plan: Plan, region: Region, period: Period, note: str = "") -> Issue:
    """Publish the bulletin as the data stand now: version 1, or a correction naming what changed
    against the version before (refused when nothing did). The period's draft, if any, is replaced."""
    _refuse_unless_publisher(user, region)
    bulletin = bulletin_compose(user=user, plan=plan, region=region, period=period)
    fields, files = _issue_fields(bulletin), _files(bulletin)
    with transaction.atomic():
        # Lock the region's row so that two officers publishing at once get versions n and n+1.
        Region.objects.select_for_update().filter(pk=region.pk).first()
        previous = latest_published(plan, region, period.code)
        changes: list[str] = []
        if previous is not None:
            changes = snapshot_changes(previous.snapshot, fields["snapshot"])
            if not changes:
                raise BulletinError(f"数据与已发布的{previous.version_label}相同，无需发布更正版")
            if not note.strip():
                raise BulletinError("发布更正版请填写更正说明")
        version = (Issue.objects.filter(plan=plan, region=region, period=period.code,
                                        status=Issue.Status.PUBLISHED).aggregate(v=Max("version"))["v"] or 0) + 1
        Issue.objects.filter(plan=plan, region=region, period=period.code, status=Issue.Status.DRAFT).delete()
        now = timezone.now()
        issue = Issue.objects.create(**fields, status=Issue.Status.PUBLISHED, version=version, changes=changes,
                                     note=note.strip()[:300], created_by=user if getattr(user, "pk", None) else None,
                                     published_at=now, published_by=user if getattr(user, "pk", None) else None)
        _store_files(issue, files)
        domain_event_record(kind=DomainEvent.Kind.BULLETIN_PUBLISHED, actor=user, region=region, plan=plan.code,
                            period=period.code, version=version, sha256=issue.sha256, changes=len(changes))
    return issue


def issue_file(issue: Issue, kind: str) -> IssueFile:
    """A kept file, its bytes checked against the sha256 recorded with it (a draft's PDF is printed from
    the draft's own web file the first time, then kept)."""
    if kind == IssueFile.Kind.PDF and not issue.is_published and not issue.files.filter(kind=kind).exists():
        document = issue_file(issue, IssueFile.Kind.HTML)
        _store_files(issue, {IssueFile.Kind.PDF: html_pdf(bytes(document.content).decode("utf-8"))})
    stored = issue.files.get(kind=kind)
    if hashlib.sha256(bytes(stored.content)).hexdigest() != stored.sha256:
        raise IntegrityError(f"{issue} 的{stored.get_kind_display()}文件与发布时的校验值不符")
    return stored
