from django.conf import settings
from django.db import models


def import_file_path(batch: "ImportBatch", filename: str) -> str:
    return f"imports/{batch.started_at:%Y/%m}/{batch.kind}-{filename}"


class ImportBatch(models.Model):
    """One import run: its file is kept, its rows and errors are counted, its changes point back to it."""

    class Status(models.TextChoices):
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
    errors = models.JSONField(verbose_name="错误", default=list, blank=True)
    warnings = models.JSONField(verbose_name="提示", default=list, blank=True)
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
        return f"{self.kind} {self.original_name} ({self.get_status_display()})"
