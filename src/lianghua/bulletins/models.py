"""Bulletins kept: drafts (made by the monthly job, or on request) and published versions, each with its
files and the data it was composed from; and the background runs that draft them.

A published bulletin is frozen: its row and its files refuse every later write (a correction is a new
version of the same plan × region × period, naming what changed). The files live in the database, in
the same transaction as their row, so a killed process leaves either a whole bulletin or none, and a
database backup carries them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class FrozenError(RuntimeError):
    """A write to a published bulletin."""


class Issue(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    plan = models.ForeignKey("targets.Plan", verbose_name="目标方案", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("通报期", max_length=10)  # "2026-11", "2026-Q3", "2026" (bulletins.periods)
    period_label = models.CharField("通报期名称", max_length=20)
    as_of = models.DateField("截至日期")
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, db_index=True)
    version = models.PositiveSmallIntegerField("版本", null=True, blank=True)  # published: 1, 2, …
    summary = models.TextField("摘要")
    body_html = models.TextField("正文")  # the page fragment, as composed
    snapshot = models.JSONField("截至日数据")  # bulletins.snapshot: every figure the bulletin printed
    sha256 = models.CharField("数据校验值", max_length=64)  # of the snapshot's canonical JSON
    changes = models.JSONField("更正内容", default=list, blank=True)  # against the previous version
    note = models.CharField("发布说明", max_length=300, blank=True)
    composed_at = models.DateTimeField("生成时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "进度通报"
        verbose_name_plural = "进度通报"
        ordering = ["-as_of", "region__code", "plan__code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "region", "period", "version"], condition=Q(status="published"),
                                    name="issue_one_version_number"),
            models.UniqueConstraint(fields=["plan", "region", "period"], condition=Q(status="draft"),
                                    name="issue_one_draft"),
            models.CheckConstraint(condition=Q(status="draft", version__isnull=True)
                                   | Q(status="published", version__isnull=False, published_at__isnull=False),
                                   name="issue_published_has_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version_label}）"

    def save(self, *args, **kwargs):
        if self._stored_published():
            raise FrozenError("已发布的通报不能修改；如需更正，请发布新版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_published():
            raise FrozenError("已发布的通报不能删除")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def version_label(self) -> str:
        return f"第{self.version}版" if self.is_published else "草稿"

    def _stored_published(self) -> bool:
        return bool(self.pk) and Issue.objects.filter(pk=self.pk, status=self.Status.PUBLISHED).exists()


class IssueFile(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel"
        HTML = "html", "网页文件"

    issue = models.ForeignKey(Issue, verbose_name="通报", on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("文件类型", max_length=4, choices=Kind.choices)
    content = models.BinaryField("内容")
    size = models.PositiveIntegerField("字节数")
    sha256 = models.CharField("校验值", max_length=64)

    class Meta:
        verbose_name = "通报文件"
        verbose_name_plural = "通报文件"
        constraints = [models.UniqueConstraint(fields=["issue", "kind"], name="issue_file_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.issue} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk and self.issue._stored_published():
            raise FrozenError("已发布通报的文件不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.issue._stored_published():
            raise FrozenError("已发布通报的文件不能删除")
        return super().delete(*args, **kwargs)


class DraftRun(models.Model):
    """One run of drafting the month's bulletins (the monthly job, or an officer's request): which
    region's subtree, how far it has got, and how it ended."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    month = models.DateField("通报月份")  # the 1st of the month drafted
    region = models.ForeignKey("regions.Region", verbose_name="范围", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField("应生成", default=0)
    done = models.PositiveIntegerField("已生成", default=0)
    message = models.TextField("结果", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "通报草稿生成"
        verbose_name_plural = "通报草稿生成"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region.name} {self.month:%Y年%-m月} 通报草稿（{self.get_status_display()}）"

    @property
    def share_done(self) -> float:
        return 1.0 if self.status == self.Status.DONE else (self.done / self.total if self.total else 0.0)
