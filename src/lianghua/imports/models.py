import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


def import_file_path(batch: "ImportBatch", filename: str) -> str:
    return f"imports/{batch.started_at:%Y/%m}/{batch.kind}-{filename}"


class ImportBatch(models.Model):
    """One import run: its file is kept, its rows and errors are counted, its changes point back to it."""

    class Status(models.TextChoices):
        # A batch is created running and ends applied in the same transaction as its rows, or rejected
        # (or dry run) with nothing applied. One still running after its process died was cut off: 中断.
        RUNNING = "running", "进行中"
        DRY_RUN = "dry_run", "试导入"
        APPLIED = "applied", "已导入"
        REJECTED = "rejected", "有错误，未导入"

    kind = models.CharField("数据类型", max_length=24)
    file = models.FileField(verbose_name="文件", upload_to=import_file_path, max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(verbose_name="文件摘要", max_length=64)
    status = models.CharField(verbose_name="状态", max_length=12, choices=Status.choices)
    rows_total = models.PositiveIntegerField(verbose_name="总行数", default=0)
    rows_created = models.PositiveIntegerField(verbose_name="新增行数", default=0)
    rows_updated = models.PositiveIntegerField(verbose_name="更新行数", default=0)
    rows_unchanged = models.PositiveIntegerField(verbose_name="未变行数", default=0)
    # The updated rows field by field (the first CHANGES_LISTED): {"row", "fields": [{field, label, before, after}]}.
    changes = models.JSONField(verbose_name="变更明细", default=list, blank=True)
    # The first errors and warnings by row (settings.LIANGHUA_IMPORT_ERRORS_KEPT of each), and how many there were.
    errors = models.JSONField(verbose_name="错误", default=list, blank=True)
    warnings = models.JSONField(verbose_name="提示", default=list, blank=True)
    errors_total = models.PositiveIntegerField(verbose_name="错误数", default=0)
    warnings_total = models.PositiveIntegerField(verbose_name="提示数", default=0)
    # The process running the import ("host:pid:start"), so that a page can tell a running batch from one
    # whose process was killed.
    worker = models.CharField(verbose_name="导入进程", max_length=120, blank=True, editable=False)
    started_at = models.DateTimeField(verbose_name="开始时间", auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name="完成时间", null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL)
    # A dry run's confirmation: the batch that applied its file. Set once; a dry run is applied only once.
    applied_batch = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="confirmed_dry_run", verbose_name="确认导入的批次")

    class Meta:
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.status_label})"

    @property
    def interrupted(self) -> bool:
        """Still 进行中, but its process is gone (killed, crashed, the machine restarted): nothing of it was
        applied, since a batch becomes 已导入 in the transaction that writes its rows."""
        if self.status != self.Status.RUNNING:
            return False
        host, _, rest = self.worker.partition(":")
        if host == socket.gethostname() and rest:
            return not _process_alive(rest)
        # Another machine's process cannot be asked: a batch running longer than any import does was cut off.
        return timezone.now() - self.started_at > timedelta(hours=settings.LIANGHUA_IMPORT_STALE_HOURS)

    @property
    def confirmation(self) -> "ImportBatch | None":
        """The batch that applied this dry run, or is applying it now; None while the dry run may be
        confirmed (a confirmation whose process was killed leaves it confirmable)."""
        applying = self.applied_batch
        return None if applying is None or applying.interrupted else applying

    @property
    def status_label(self) -> str:
        return "中断（未导入任何数据）" if self.interrupted else self.get_status_display()


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), which tells a
    process from a later one given the same pid; None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    except OSError:
        return "?"
    return fields[19].decode() if len(fields) > 19 else "?"


def current_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid()) or '?'}"


def _process_alive(pid_and_start: str) -> bool:
    pid, _, started = pid_and_start.partition(":")
    try:
        now = _process_start(int(pid))
    except ValueError:
        return False
    return now is not None and (started in ("?", "") or now in ("?", started))
