"""The monthly drafts: due after the reporting deadline, queued once, rendered by the worker from the
database queue (the real backend, on SQLite and PostgreSQL alike) with their progress recorded, and each
region's officers told in the app (and by e-mail where an SMTP server is set)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from lianghua.accounts.models import Notification
from lianghua.bulletins.jobs import bulletins_to_draft, month_due, monthly_drafts_enqueue
from lianghua.bulletins.models import DraftRun, Issue
from lianghua.bulletins.services import issue_file
from lianghua.regions.models import Region

pytestmark = pytest.mark.django_db
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def worker_keeps_the_test_transaction(monkeypatch):
    """The worker calls Django's close_old_connections between tasks, which closes a connection whose
    autocommit is off: in a real worker that never happens, but a test runs inside its own transaction,
    and on PostgreSQL closing it would end the test. The worker's queue, tables and tasks stay real."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def test_the_drafts_are_due_after_the_deadline(settings):
    assert month_due(dt.date(2026, 12, 5)) is None  # the 5th is the last day to report November
    assert month_due(dt.date(2026, 12, 6)) == NOVEMBER
    settings.LIANGHUA_REPORT_DEADLINE_DAY = 10
    assert month_due(dt.date(2026, 12, 6)) is None


def test_which_regions_get_a_draft(two_towns):
    pairs = [(plan.code, region.name) for plan, region in bulletins_to_draft(Region.objects.get(code="330424"),
                                                                            NOVEMBER)]
    assert pairs == [("haiyan-2024-2026", "海盐县")]  # the towns' bulletins would have no children to rank


def test_the_monthly_job_queues_once_and_the_worker_drafts(two_towns, county_officer, settings,
                                                          django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "smtp.example.invalid"  # the locmem backend of the tests catches the mail
    county_officer.email = "haiyan@example.invalid"
    county_officer.save()
    assert monthly_drafts_enqueue(dt.date(2026, 12, 5)) is None  # not yet due
    with django_capture_on_commit_callbacks(execute=True):
        run = monthly_drafts_enqueue(dt.date(2026, 12, 6))
    assert run.status == DraftRun.Status.QUEUED and run.region.code == "330400"
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_drafts_enqueue(dt.date(2026, 12, 7)) is None  # once a month

    call_command("worker", "--batch")
    run.refresh_from_db()
    assert (run.status, run.total, run.done, run.message) == (DraftRun.Status.DONE, 1, 1, "生成草稿1份")
    draft = Issue.objects.get(status=Issue.Status.DRAFT)
    assert draft.title == "海盐县“两化”改造2026年11月进度通报"
    assert sorted(draft.files.values_list("kind", flat=True)) == ["html", "xlsx"]  # the PDF when first opened
    pdf = issue_file(draft, "pdf")
    assert bytes(pdf.content)[:5] == b"%PDF-" and draft.files.count() == 3
    note = Notification.objects.get(user=county_officer)
    assert note.title == "海盐县“两化”改造2026年11月进度通报草稿已生成"
    assert note.url == reverse("bulletins:issue", args=[draft.pk]) and note.read_at is None
    assert [m.to for m in mail.outbox] == [["haiyan@example.invalid"]] and mail.outbox[0].subject == note.title

    client = Client()
    client.force_login(county_officer)
    assert '<span class="badge">1</span>' in client.get(reverse("accounts:notifications")).content.decode()
    opened = client.post(reverse("accounts:notifications_read"), {"id": note.pk})
    assert opened.status_code == 302 and opened["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_officer_starts_a_run_and_sees_its_progress(two_towns, county_officer, county_leader,
                                                       django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(county_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bulletins:drafts_start"), {"month": "2026-11"}, follow=True)
    assert "已开始生成海盐县2026年11月的通报草稿" in response.content.decode()
    run = DraftRun.objects.get()
    assert run.requested_by == county_officer and 'hx-trigger="every 2s"' in client.get(
        reverse("bulletins:drafts")).content.decode()  # polled while under way
    call_command("worker", "--batch")
    status = client.get(reverse("bulletins:drafts")).content.decode()
    assert "已完成" in status and "生成草稿1份" in status and "every 2s" not in status
    assert Notification.objects.filter(user=county_officer, title__startswith="海盐县2026年11月通报草稿").exists()
    client.force_login(county_leader)
    assert client.post(reverse("bulletins:drafts_start"), {"month": "2026-11"}).status_code == 403


def test_the_command_drafts_a_month(two_towns, capsys):
    call_command("report", "drafts", "--month", "2026-11", "--region", "海盐县")
    assert "海盐县2026年11月通报草稿：生成草稿1份" in capsys.readouterr().out
    call_command("report", "drafts", "--month", "2026-11", "--region", "海盐县")  # again: the draft is replaced
    assert Issue.objects.filter(status=Issue.Status.DRAFT).count() == 1
