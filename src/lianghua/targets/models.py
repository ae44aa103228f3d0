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
    class Status(models.TextChoices):
        ISSUED = "issued", "正式印发"
        DRAFT = "draft", "征求意见稿"

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
    # A plan the seed publishes as a draft (征求意见稿) or whose period the platform had to read: shown on
    # every page that uses the plan (the dashboard, the plan page, the records, the API).
    status = models.CharField(verbose_name="文件状态", max_length=16, choices=Status.choices, default=Status.ISSUED)
    assumptions = models.TextField(verbose_name="载入时的推定", blank=True)

    class Meta:
        verbose_name = "目标方案"
        verbose_name_plural = "目标方案"
        ordering = ["-start_year", "code"]

    def __str__(self) -> str:
        return self.name

    def reporting_years(self) -> range:
        """The years a 填报值 may be entered for: the plan's years and the base years of its change targets
        (技改投资 +10% on 2023 needs 2023's figure)."""
        first = self.targets.filter(base_year__isnull=False).aggregate(first=models.Min("base_year"))["first"]
        return range(min(first or self.start_year, self.start_year), self.end_year + 1)


class Target(models.Model):
    class Basis(models.TextChoices):
        ANNUAL = "annual", "年度"
        CUMULATIVE = "cumulative", "累计"

    class Comparator(models.TextChoices):
        GTE = "gte", "≥"
        LTE = "lte", "≤"
        EQ = "eq", "="

    class Measure(models.TextChoices):
        LEVEL = "level", "数值"
        CHANGE = "change", "增减幅度"  # % change against the region's own figure of base_year

    plan = models.ForeignKey(Plan, verbose_name="目标方案", on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets")
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT, related_name="targets")
    year = models.PositiveSmallIntegerField("年度")
    basis = models.CharField("口径", max_length=12, choices=Basis.choices)
    value = models.DecimalField("目标值", max_digits=18, decimal_places=4, null=True, blank=True)
    comparator = models.CharField(verbose_name="比较方式", max_length=4, choices=Comparator.choices, default=Comparator.GTE)
    stretch_value = models.DecimalField("力争值", max_digits=18, decimal_places=4, null=True, blank=True)
    measure = models.CharField("目标类型", max_length=8, choices=Measure.choices, default=Measure.LEVEL)
    base_year = models.PositiveSmallIntegerField("基期年度", null=True, blank=True)
    # "" = every industry; else a GB/T 4754 division (C22) or a key industry (targets.KeyIndustry.code).
    industry = models.CharField("行业", max_length=48, blank=True, default="")
    responsible = models.CharField("责任单位", max_length=200, blank=True)
    source_clause = models.CharField("出处", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "目标值"
        verbose_name_plural = "目标值"
        ordering = ["plan_id", "indicator__order", "region__path", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "indicator", "region", "year", "basis", "industry"],
                                    name="target_unique"),
            models.CheckConstraint(condition=models.Q(measure="level") | models.Q(base_year__isnull=False),
                                   name="target_change_has_base_year"),
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


class KeyIndustry(models.Model):
    """A county's named key industry (紧固件, 造纸, 经编…: 003 附件2, 002 二5), counted as the GB/T 4754
    divisions it lies in (data/reference/key-industries.yaml). Where the named industry is narrower than
    its division, `note` says so and every target that uses it shows it."""

    code = models.CharField("代码", max_length=48, unique=True)
    region = models.ForeignKey("regions.Region", verbose_name="区域", on_delete=models.PROTECT,
                               related_name="key_industries")
    name = models.CharField("重点产业", max_length=32)
    divisions = models.JSONField("对应国民经济行业大类", default=list)
    source = models.CharField("出处", max_length=200)
    note = models.TextField("口径说明", blank=True)

    class Meta:
        verbose_name = "重点产业"
        verbose_name_plural = "重点产业"
        ordering = ["region__path", "code"]

    def __str__(self) -> str:
        return f"{self.region.name}·{self.name}"
