from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .invariants import cumulative_problems, progress_constraints, project_constraints
from .stages import STAGE_CHOICES

LOCKED_MESSAGE = "该月进度已审核锁定，须先由经信部门在项目页解锁后才能修改"
MONEY = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}


class Project(models.Model):
    """A renovation project. Its stage (where it is in the lifecycle) and its health (正常/滞后/停滞)
    are kept apart: a project can be 在建 and 滞后 at once."""

    class Category(models.TextChoices):
        DIGITAL = "digital", "数字化"
        GREEN = "green", "绿色化"

    class Health(models.TextChoices):
        NORMAL = "normal", "正常"
        LAGGING = "lagging", "滞后"
        STALLED = "stalled", "停滞"

    code = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="projects")
    # Indexed by the (category, actual_start) index below.
    category = models.CharField("项目类别", max_length=8, choices=Category.choices)
    subtype = models.CharField("项目子类", max_length=64, blank=True)
    total_investment_wan = models.DecimalField("总投资(万元)", **MONEY)
    equipment_investment_wan = models.DecimalField("设备投资(万元)", **MONEY)
    it_investment_wan = models.DecimalField("信息化投资(万元)", **MONEY)
    civil_investment_wan = models.DecimalField("土建投资(万元)", **MONEY)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_end = models.DateField("计划竣工日期", null=True, blank=True)
    actual_start = models.DateField("实际开工日期", null=True, blank=True, db_index=True)
    actual_end = models.DateField("实际竣工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True, db_index=True)
    stage = models.CharField("项目阶段", max_length=12, choices=STAGE_CHOICES, default="reserve", db_index=True)
    health = models.CharField("运行状态", max_length=8, choices=Health.choices, default=Health.NORMAL)
    energy_saved_tce = models.DecimalField("年节能量(吨标准煤)", **MONEY)
    energy_saving_verified = models.BooleanField("节能量已确权", default=False)
    co2_cut_t = models.DecimalField("年减排二氧化碳(吨)", **MONEY)
    water_saved_t = models.DecimalField("年节水量(吨)", **MONEY)
    robots_added = models.PositiveIntegerField("新增工业机器人(台)", null=True, blank=True)
    # List membership, with the year of the list (002 三: 省级重点技改项目 500 a year; 001: 市级重点项目).
    provincial_key_year = models.PositiveSmallIntegerField("列入省级重点技改项目年度", null=True, blank=True)
    municipal_key_year = models.PositiveSmallIntegerField("列入市级重点项目年度", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "项目"
        verbose_name_plural = "项目"
        indexes = [models.Index(fields=["category", "actual_start"])]
        constraints = project_constraints()  # date order, stage requirements, no negative money

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProjectStageLog(models.Model):
    """Every stage change: the timeline that funnel and lateness reports read."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="stage_log")
    from_stage = models.CharField("原阶段", max_length=12, choices=STAGE_CHOICES, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, choices=STAGE_CHOICES)
    changed_on = models.DateField("变更日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    # Provenance without database constraints, as in audit.ChangeRecord: an import writes one row per project.
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                           on_delete=models.SET_NULL, db_constraint=False)
    import_batch_id = models.BigIntegerField("导入批次", null=True, blank=True, db_index=True)  # imports.ImportBatch id
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["project_id", "changed_on", "id"]
        verbose_name = "项目阶段变更"
        verbose_name_plural = "项目阶段变更"

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage} ({self.changed_on})"


class ProjectProgress(models.Model):
    """A monthly report: cumulative completed investment as of the month's end."""

    # db_index=False: the unique constraint below starts with this column and serves its lookups;
    # a second index would only slow imports.
    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="progress_reports",
                                db_index=False)
    month = models.DateField("月份")  # always the 1st of the month
    cumulative_investment_wan = models.DecimalField("累计完成投资(万元)", max_digits=18, decimal_places=4)
    # When the month's figure first arrived (an import, an officer's page, an enterprise's submission):
    # what 及时率 reads against the reporting deadline. Not the approval time.
    reported_at = models.DateTimeField("填报时间", default=timezone.now)
    # An approved month is locked: it changes only after an officer reopens it (reporting.services).
    locked = models.BooleanField("已审核锁定", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["project_id", "month"]
        verbose_name = "项目月度进度"
        verbose_name_plural = "项目月度进度"
        constraints = [models.UniqueConstraint(fields=["project", "month"], name="project_progress_unique",
                                               violation_error_message="该项目这个月已填报，请修改原记录"),
                       *progress_constraints()]
        indexes = [models.Index(fields=["month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} 累计完成投资"

    def clean(self) -> None:
        """A form's report (the admin's, a future page's) against the project's other months: the same
        rule the import applies (projects/invariants.py)."""
        if self.project_id is None or self.month is None or self.cumulative_investment_wan is None:
            return
        if self.pk is not None:
            stored = ProjectProgress.objects.filter(pk=self.pk).values("locked", "cumulative_investment_wan").first()
            if stored and stored["locked"] and stored["cumulative_investment_wan"] != self.cumulative_investment_wan:
                raise ValidationError({"cumulative_investment_wan": LOCKED_MESSAGE})
        stored = (ProjectProgress.objects.filter(project_id=self.project_id).exclude(pk=self.pk)
                  .exclude(month=self.month).values_list("month", "cumulative_investment_wan"))
        points = [(month, value, None) for month, value in stored]
        problems = cumulative_problems([*points, (self.month, self.cumulative_investment_wan, "cumulative")])
        if problems:
            raise ValidationError({"cumulative_investment_wan": [message for _, message in problems]})


class Activity(models.Model):
    """An event a plan counts: a training (培训) and the like."""

    class Kind(models.TextChoices):
        TRAINING = "training", "培训"
        DIAGNOSIS = "diagnosis", "诊断"
        MEETING = "meeting", "现场会"
        OTHER = "other", "其他"

    date = models.DateField("日期", db_index=True)
    region = models.ForeignKey("regions.Region", verbose_name="所属区域", on_delete=models.PROTECT,
                               related_name="activities")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    attendance = models.PositiveIntegerField("参加人数", null=True, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name = "培训等活动"
        verbose_name_plural = "培训等活动"
        constraints = [models.UniqueConstraint(fields=["date", "region", "title"], name="activity_unique",
                                               violation_error_message="同一天、同一区域已有同名活动，请修改原记录")]

    def __str__(self) -> str:
        return self.title
