"""What an enterprise submits for an officer's approval: a month's progress of one of its projects, its
yearly figures, a new project. Nothing submitted counts anywhere until it is approved: approval writes
it into the registry (and locks an approved month); a return carries the officer's reason back."""

from django.conf import settings
from django.db import models


def attachment_path(submission: "Submission", filename: str) -> str:
    return f"submissions/{submission.enterprise_id}/{filename}"


class Submission(models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", "项目月度进度"
        YEAR = "year", "企业年度数据"
        PROJECT = "project", "新项目申报"

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    kind = models.CharField("填报类型", max_length=12, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="submissions")
    project = models.ForeignKey("projects.Project", verbose_name="项目", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="submissions")
    month = models.DateField("月份", null=True, blank=True)  # progress: the 1st of the month
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)  # yearly figures
    # The form's fields as entered (text, as a form posts them): approval checks them again.
    values = models.JSONField("填报内容", default=dict)
    attachment = models.FileField("附件", upload_to=attachment_path, max_length=300, blank=True)
    note = models.CharField("企业说明", max_length=200, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decision_note = models.CharField("审核意见", max_length=200, blank=True)  # a return's reason
    result_pk = models.BigIntegerField("写入的记录", null=True, blank=True)  # the record approval wrote

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "企业填报"
        verbose_name_plural = "企业填报"
        constraints = [
            # One submission awaits review per month of a project and per year of an enterprise.
            models.UniqueConstraint(fields=["project", "month"], condition=models.Q(status="pending", kind="progress"),
                                    name="submission_one_pending_month",
                                    violation_error_message="该项目这个月已有待审核的填报"),
            models.UniqueConstraint(fields=["enterprise", "year"], condition=models.Q(status="pending", kind="year"),
                                    name="submission_one_pending_year",
                                    violation_error_message="该企业这一年度已有待审核的填报"),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        if self.kind == self.Kind.PROGRESS and self.project_id and self.month:
            return f"{self.project.code} {self.month:%Y-%m} 月度进度"
        if self.kind == self.Kind.YEAR:
            return f"{self.enterprise.name} {self.year}年度数据"
        return f"{self.enterprise.name} 新项目“{self.values.get('name', '')}”"


class Reminder(models.Model):
    """An officer's 催报 for a month a project has not reported: the enterprise sees it on its 填报 page
    until the month is reported (reminding again moves its date)."""

    project = models.ForeignKey("projects.Project", verbose_name="项目", on_delete=models.CASCADE,
                                related_name="reminders")
    month = models.DateField("月份")  # the 1st of the month owed
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="催报人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField("催报时间")
    times = models.PositiveSmallIntegerField("催报次数", default=1)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "催报"
        verbose_name_plural = "催报"
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="reminder_one_per_month")]

    def __str__(self) -> str:
        return f"{self.project.code} {self.month:%Y-%m} 催报"
