"""`lianghua worker`: runs the background jobs queued in the database (django-tasks' db_worker) and, every
few minutes, starts the month's bulletin drafts once their reporting deadline has passed
(bulletins/jobs.py) and seals the new audit records into their hash chains (audit/chain.py). `lianghua serve` starts one beside the website; a production host runs it as a
service of its own."""

import logging
import threading

from django.core.management import call_command
from django.db import close_old_connections

from lianghua.audit.chain import audit_seal
from lianghua.bulletins.jobs import monthly_drafts_enqueue
from lianghua.core.commands import LianghuaCommand

SCHEDULE_EVERY_S = 300


def _schedule(stop: threading.Event) -> None:
    while not stop.is_set():
        for step, failure in ((monthly_drafts_enqueue, "每月通报草稿未能排队"), (audit_seal, "审计日志未能封存")):
            try:
                step()
            except Exception:  # a bad minute must not stop the schedule; the next one tries again
                logging.getLogger(__name__).exception(failure)
            finally:
                close_old_connections()
        stop.wait(SCHEDULE_EVERY_S)


class Command(LianghuaCommand):
    help = "后台任务：执行排队的任务（如通报草稿的生成），并在每月填报截止日后自动生成各区域的通报草稿。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="执行完已排队的任务后退出（不做每月排程）")

    def handle(self, *args, batch, **options):
        stop = threading.Event()
        if not batch:
            threading.Thread(target=_schedule, args=(stop,), daemon=True, name="monthly-drafts").start()
        try:
            call_command("db_worker", batch=batch, startup_delay=False, reload=False, interval=1,
                         stdout=self.stdout, stderr=self.stderr)
        finally:
            stop.set()
