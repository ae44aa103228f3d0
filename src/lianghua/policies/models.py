"""Subsidy applications (申报), their status log, stored results and administrator-set policy values.

The rules themselves are data files (data/policies/) evaluated by the pure engine; the database keeps
only what happens to claims and what was computed, with everything needed to explain it later.
"""

from django.conf import settings
from django.db import models

MONEY = {"max_digits": 18, "decimal_places": 4}


class PolicySetting(models.Model):
    """A value for a parameter a document leaves open (`setting: true` in the data files), or the
    draft 001's start date. Changing one changes the rule version of later results."""

    name = models.CharField("参数", max_length=120, unique=True)
    value = models.JSONField("取值")
    note = models.CharField("依据/说明", max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, blank=True, on_delete=models.SET_NULL)
    set_at = models.DateTimeField(verbose_name="设置时间", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "奖补参数设置"
        verbose_name_plural = "奖补参数设置"

    def __str__(self) -> str:
        return self.name


class SubsidyApplication(models.Model):
    """A claim (申报) on one project or one credential of an enterprise."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "申报"
        REVIEWING = "reviewing", "审核"
        PUBLICIZED = "publicized", "公示"
        PAID = "paid", "拨付"
        REJECTED = "rejected", "驳回"

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    # Copied from the enterprise when the claim is made, so the claim stays with the region that received it.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name="所属区域",
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    credential = models.ForeignKey(
        "enterprises.Credential",
        verbose_name="认定",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subsidy_applications",
    )
    matter_date = models.DateField("事项日期")
    extra_facts = models.JSONField("补充事实", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    note = models.CharField("备注", max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申报人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name="申报时间", auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name="更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "奖补申报"
        verbose_name_plural = "奖补申报"
        constraints = [
            models.CheckConstraint(
                name="subsidy_application_one_subject",
                condition=(
                    models.Q(project__isnull=False, credential__isnull=True)
                    | models.Q(project__isnull=True, credential__isnull=False)
                ),
            )
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        subject = self.project or self.credential
        return f"申报#{self.pk} {subject}"

    @property
    def latest_result(self) -> "SubsidyResult | None":
        return self.results.order_by("-computed_at", "-id").first()


class SubsidyApplicationStatusLog(models.Model):
    """Every status change of a claim: who, when, from, to."""

    application = models.ForeignKey(SubsidyApplication, verbose_name="申报", on_delete=models.CASCADE, related_name="status_log")
    from_status = models.CharField(verbose_name="原状态", max_length=12, choices=SubsidyApplication.Status.choices, blank=True)
    to_status = models.CharField(verbose_name="新状态", max_length=12, choices=SubsidyApplication.Status.choices)
    at = models.DateTimeField(verbose_name="时间", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL)
    note = models.CharField(verbose_name="意见", max_length=300, blank=True)

    class Meta:
        verbose_name = "申报状态记录"
        verbose_name_plural = "申报状态记录"
        ordering = ["application_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"


class SubsidyResult(models.Model):
    """One computation, frozen: the input facts, the full result (awards, reasons, warnings), the
    parameters read and the rule version, so it can be explained after the rules change."""

    application = models.ForeignKey(SubsidyApplication, verbose_name="申报", on_delete=models.CASCADE, related_name="results")
    case_date = models.DateField("事项日期")
    facts = models.JSONField("输入事实")
    result = models.JSONField("测算结果")
    parameters = models.JSONField("读取的参数")
    policy_settings = models.JSONField("参数设置", default=dict)
    rule_version = models.CharField("规则版本", max_length=32, db_index=True)
    total_wan = models.DecimalField("测算金额(万元)", **MONEY)
    computed_at = models.DateTimeField(verbose_name="测算时间", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="测算人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = "奖补测算结果"
        verbose_name_plural = "奖补测算结果"

    def __str__(self) -> str:
        return f"{self.application_id}: {self.total_wan}万元 ({self.rule_version})"
