from django.conf import settings
from django.db import models


class Indicator(models.Model):
    """What a target measures and how its actual value is counted (data/indicators.yaml)."""

    code = models.CharField(verbose_name="指标代码", max_length=48, unique=True)
    name = models.CharField("指标", max_length=100)
    unit = models.CharField("单位", max_length=16)
    computation = models.CharField(verbose_name="计算方式", max_length=32)  # see targets/progress.py COMPUTATIONS
    params = models.JSONField(verbose_name="计算参数", default=dict, blank=True)
    better = models.CharField(verbose_name="方向", max_length=8, default="higher")
    additive = models.BooleanField(verbose_name="可加总", default=False)
    description = models.TextField("统计口径", blank=True)
    source = models.CharField(verbose_name="来源", max_length=200, blank=True)
    order = models.PositiveIntegerField(verbose_name="排序", default=0)
    disabled_on = models.DateField(verbose_name="停用日期", null=True, blank=True)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    code = models.CharField(verbose_name="方案代码", max_length=48, unique=True)
    name = models.CharField("方案名称", max_length=200)
    issuer = models.CharField("发文单位", max_length=100, blank=True)
    doc_number = models.CharField("文号", max_length=64, blank=True)
    issued_on = models.DateField("印发日期", null=True, blank=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_to = models.DateField("有效期至", null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(verbose_name="起始年度", )
    end_year = models.PositiveSmallIntegerField(verbose_name="截止年度", )
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="plans")
    source_file = models.CharField(verbose_name="来源文件", max_length=64, blank=True)
    notes = models.TextField(verbose_name="说明", blank=True)

    class Meta:
        verbose_name = "目标方案"
        verbose_name_plural = "目标方案"
        ordering = ["-start_year", "code"]

    def __str__(self) -> str:
        return self.name


class Target(models.Model):
    class Basis(models.TextChoices):
        ANNUAL = "annual", "年度"
        CUMULATIVE = "cumulative", "累计"

    class Comparator(models.TextChoices):
        GTE = "gte", "≥"
        LTE = "lte", "≤"
        EQ = "eq", "="

    plan = models.ForeignKey(Plan, verbose_name="目标方案", on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets")
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField("年度")
    basis = models.CharField("口径", max_length=12, choices=Basis.choices)
    value = models.DecimalField("目标值", max_digits=18, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(verbose_name="比较方式", max_length=4, choices=Comparator.choices, default=Comparator.GTE)
    stretch_value = models.DecimalField("力争值", max_digits=18, decimal_places=4, null=True, blank=True)
    source_clause = models.CharField("出处", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "目标值"
        verbose_name_plural = "目标值"
        ordering = ["plan_id", "indicator__order", "region__path", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "region", "year", "basis"], name="target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.year}/{self.basis}: {self.value}"


class ReportedActual(models.Model):
    """填报值: an actual value entered by an officer where the registry cannot compute it."""

    plan = models.ForeignKey(Plan, verbose_name="目标方案", on_delete=models.CASCADE, related_name="reported_actuals")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT)
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(verbose_name="年度", )
    value = models.DecimalField(verbose_name="填报值", max_digits=18, decimal_places=4)
    as_of = models.DateField("截至日期")
    source = models.CharField("来源", max_length=200)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL)
    reported_at = models.DateTimeField(verbose_name="填报时间", auto_now_add=True)

    class Meta:
        verbose_name = "填报值"
        verbose_name_plural = "填报值"
        ordering = ["-as_of", "-reported_at"]
        indexes = [models.Index(fields=["plan", "indicator", "region", "year", "as_of"])]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.year}: {self.value} ({self.as_of})"
