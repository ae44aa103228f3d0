"""Evaluations kept per region and year (亩均效益综合评价 first): the county's own method settings, the
exemptions officers record, each evaluation version with its results, and the objections filed during
its 公示."""

from django.conf import settings
from django.db import models


class FrozenError(RuntimeError):
    """A finalised evaluation (or one of its results) was about to change."""


class MethodSetting(models.Model):
    """A county's (or a city's, for all its counties) own value of a method parameter the data file leaves
    to it: `<document>.<parameter>` as the rulebook names it. The nearest region up the tree wins."""

    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("参数", max_length=120)
    value = models.JSONField("取值")
    basis = models.CharField("依据", max_length=300, help_text="本地文件名称和文号，如 海盐县亩均办〔2025〕1号")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField("设置时间", auto_now=True)

    class Meta:
        verbose_name = "评价方法设置"
        verbose_name_plural = "评价方法设置"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="method_setting_unique")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.name}"


class Exemption(models.Model):
    """An enterprise an officer keeps out of a year's ranking (公用事业, 重大项目在建…), with the reason."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    reason = models.CharField("原因", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "不参加排名的企业"
        verbose_name_plural = "不参加排名的企业"
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="exemption_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年：{self.reason}"


class Evaluation(models.Model):
    """One version of a region's evaluation for a year: a draft, then 公示 (enterprises see their own result
    and may object until the deadline), then 定档 — final and locked; a later change is a new version that
    says why."""

    class Kind(models.TextChoices):
        MUJUN = "mujun", "亩均效益综合评价"
        CARBON = "carbon", "工业碳效评价"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLICISED = "publicised", "公示中"
        FINAL = "final", "已定档"

    kind = models.CharField("评价", max_length=16, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    version = models.PositiveSmallIntegerField("版本", default=1)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField("版本说明", max_length=300, blank=True)
    method = models.JSONField("评价方法", default=dict)  # parameters with dates and clauses, benchmarks, class names
    counts = models.JSONField("分档统计", default=dict)
    computed_at = models.DateTimeField("计算时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    publicised_at = models.DateTimeField("公示时间", null=True, blank=True)
    objections_until = models.DateField("异议截止日", null=True, blank=True)
    finalised_at = models.DateTimeField("定档时间", null=True, blank=True)
    finalised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="定档人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "评价"
        verbose_name_plural = "评价"
        ordering = ["-year", "region__path", "-version"]
        constraints = [models.UniqueConstraint(fields=["kind", "region", "year", "version"],
                                               name="evaluation_version_unique")]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年度{self.get_kind_display()}（第{self.version}版，{self.get_status_display()}）"

    def save(self, *args, **kwargs):
        if self._stored_final():
            raise FrozenError("已定档的评价不能修改；数据变化须另起新版本")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_final():
            raise FrozenError("已定档的评价不能删除")
        return super().delete(*args, **kwargs)

    @property
    def title(self) -> str:
        return f"{self.region.name}{self.year}年度{self.get_kind_display()}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    def _stored_final(self) -> bool:
        return bool(self.pk) and Evaluation.objects.filter(pk=self.pk, status=self.Status.FINAL).exists()


class EvaluationResult(models.Model):
    """One enterprise in one evaluation version: its group, indicator values and terms, score, rank and
    class, or why it is not ranked; with the figures it was computed from."""

    evaluation = models.ForeignKey(Evaluation, verbose_name="评价", on_delete=models.CASCADE, related_name="results")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="evaluation_results")
    group = models.CharField("分组", max_length=12)
    score = models.DecimalField("综合得分", max_digits=18, decimal_places=6, null=True, blank=True)
    rank = models.PositiveIntegerField("排名", null=True, blank=True)
    klass = models.CharField("档次", max_length=2, blank=True)
    reason = models.CharField("不排名原因", max_length=300, blank=True)
    terms = models.JSONField("各项指标", default=list)
    inputs = models.JSONField("计算所用数据", default=dict)

    class Meta:
        verbose_name = "评价结果"
        verbose_name_plural = "评价结果"
        ordering = ["evaluation", "group", "rank", "enterprise__credit_code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "enterprise"], name="evaluation_result_unique")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.klass or '不排名'}"

    def save(self, *args, **kwargs):
        if self.evaluation._stored_final():
            raise FrozenError("已定档的评价结果不能修改")
        super().save(*args, **kwargs)


class Objection(models.Model):
    """An enterprise's 异议 against its result during 公示, and the officer's answer."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACCEPTED = "accepted", "已采纳"
        REJECTED = "rejected", "未采纳"

    evaluation = models.ForeignKey(Evaluation, verbose_name="评价", on_delete=models.PROTECT, related_name="objections")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.TextField("异议理由", max_length=2000)
    attachment = models.BinaryField("附件", null=True, blank=True)
    attachment_name = models.CharField("附件名称", max_length=200, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提出人", on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField("处理意见", max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "评价异议"
        verbose_name_plural = "评价异议"
        ordering = ["-filed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise}对{self.evaluation}的异议（{self.get_status_display()}）"


class Diagnosis(models.Model):
    """One online digital diagnosis of an enterprise: the answers kept by question code and option index
    (so it can be re-scored), the score, the level, and the 数字化水平 assessment it produced."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="diagnoses")
    assessed_on = models.DateField("诊断日期")
    questionnaire = models.CharField("问卷", max_length=40)
    questionnaire_version = models.CharField("问卷版本", max_length=16)
    answers = models.JSONField("答卷", default=dict)
    score = models.PositiveSmallIntegerField("得分")
    dimensions = models.JSONField("各维度得分", default=dict)
    level = models.CharField("等级", max_length=8, blank=True)
    zhejiang_level = models.DecimalField("对应数字化水平", max_digits=2, decimal_places=1, null=True, blank=True)
    weak = models.JSONField("薄弱环节", default=list)
    digital_level = models.ForeignKey("enterprises.DigitalLevel", verbose_name="数字化水平评定", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    filled_at = models.DateTimeField("填报时间", auto_now_add=True)
    rescored_at = models.DateTimeField("重新评分时间", null=True, blank=True)

    class Meta:
        verbose_name = "在线诊断"
        verbose_name_plural = "在线诊断"
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "assessed_on"], name="diagnosis_enterprise_day")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.assessed_on} 在线诊断 {self.score}分"


class DiagnosisProject(models.Model):
    """A 储备 project an officer made of a diagnosis's suggestion (the link back to the diagnosis)."""

    diagnosis = models.ForeignKey(Diagnosis, verbose_name="诊断", on_delete=models.CASCADE, related_name="projects")
    question = models.CharField("题目", max_length=40)
    project = models.OneToOneField("projects.Project", verbose_name="项目", on_delete=models.CASCADE,
                                   related_name="diagnosis_link")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="生成人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "诊断生成的储备项目"
        verbose_name_plural = "诊断生成的储备项目"
        constraints = [models.UniqueConstraint(fields=["diagnosis", "question"], name="diagnosis_project_unique")]

    def __str__(self) -> str:
        return f"{self.diagnosis} → {self.project}"


class CultivationEntry(models.Model):
    """An enterprise in a region's 培育库 for a rung of the ladder, as officers curate it (added with a note,
    dropped with a reason; a dropped entry stays as history)."""

    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    rung = models.CharField("培育方向", max_length=40)  # a credential kind code (ladder.RUNGS)
    note = models.CharField("备注", max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="入库人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("入库时间", auto_now_add=True)
    dropped_at = models.DateTimeField("出库时间", null=True, blank=True)
    dropped_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="出库人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    drop_reason = models.CharField("出库原因", max_length=300, blank=True)

    class Meta:
        verbose_name = "培育库企业"
        verbose_name_plural = "培育库企业"
        ordering = ["rung", "-added_at"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "rung"], condition=models.Q(dropped_at__isnull=True),
                                               name="cultivation_entry_active_unique",
                                               violation_error_message="该企业已在此培育库中")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.rung}"


class InefficientCase(models.Model):
    """An enterprise on the 高耗低效 list and its closed loop: 列入 → 整治方案 (一企一方案) → 整治中 → 提升销号 or
    关停退出, with a deadline, who is responsible, notes, and the land and energy it frees."""

    class Status(models.TextChoices):
        LISTED = "listed", "列入"
        PLANNED = "planned", "整治方案"
        RECTIFYING = "rectifying", "整治中"
        IMPROVED = "improved", "提升销号"
        EXITED = "exited", "关停退出"

    class Plan(models.TextChoices):
        UPGRADE = "upgrade", "改造提升"
        MERGE = "merge", "兼并重组"
        RECLAIM = "reclaim", "回收盘活"
        RELOCATE = "relocate", "集聚入园"
        CLOSE = "close", "关停退出"

    CLOSED = (Status.IMPROVED, Status.EXITED)

    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="+")
    year = models.PositiveSmallIntegerField("评价年度")
    reasons = models.JSONField("列入依据", default=list)  # ["亩均效益评价D档（第1版）", "碳效5级"]
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.LISTED)
    plan = models.CharField("整治方式", max_length=12, choices=Plan.choices, blank=True)
    deadline = models.DateField("整治期限", null=True, blank=True)
    owner = models.CharField("责任单位（人）", max_length=100, blank=True)
    notes = models.TextField("整治情况", blank=True)
    land_freed_mu = models.DecimalField("腾出用地(亩)", max_digits=12, decimal_places=2, null=True, blank=True)
    energy_freed_tce = models.DecimalField("腾出用能(吨标准煤)", max_digits=14, decimal_places=2, null=True, blank=True)
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="列入人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField("列入日期")
    closed_on = models.DateField("销号日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "高耗低效整治企业"
        verbose_name_plural = "高耗低效整治企业"
        ordering = ["status", "deadline", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="inefficient_case_unique",
                                               violation_error_message="该企业本年度已列入高耗低效整治清单")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}年 高耗低效（{self.get_status_display()}）"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    def overdue_on(self, day) -> bool:
        return not self.is_closed and self.deadline is not None and day > self.deadline
