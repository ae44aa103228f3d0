from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models

from .credit_code import credit_code_is_valid, credit_code_validate

MONEY = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}


class Industry(models.Model):
    """GB/T 4754-2017 division (C13…C43)."""

    code = models.CharField("行业代码", max_length=8, unique=True)
    name = models.CharField("行业名称", max_length=64)
    order = models.PositiveIntegerField("排序", default=0)
    disabled_on = models.DateField("停用日期", null=True, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "行业"
        verbose_name_plural = "行业"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class CredentialKind(models.Model):
    """A kind of 认定 / 荣誉: 数字化车间, 绿色工厂, 企业技术中心… (data/reference/credential_kinds.csv)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("认定类型", max_length=64)
    category = models.CharField("类别", max_length=16, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    source = models.CharField("依据", max_length=200, blank=True)
    disabled_on = models.DateField("停用日期", null=True, blank=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = "认定类型"
        verbose_name_plural = "认定类型"

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[credit_code_validate])
    name = models.CharField("企业名称", max_length=128, db_index=True)
    region = models.ForeignKey("regions.Region", verbose_name="所属区域", on_delete=models.PROTECT,
                               related_name="enterprises")
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="enterprises")
    contact_person = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    # 亩均效益评价 lists an enterprise in production for less than two years apart (evaluations/mujun.py).
    production_started_on = models.DateField("投产日期", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name

    @property
    def credit_code_valid(self) -> bool:
        return credit_code_is_valid(self.credit_code)


# The yearly figures that are never negative (the import's columns say the same: minimum 0).
YEAR_NON_NEGATIVE = (
    *((field, "金额不能为负数") for field in ("revenue_wan", "value_added_wan", "tax_wan", "rd_wan")),
    ("land_mu", "用地面积不能为负数"),
    ("energy_tce", "综合能耗不能为负数"),
    ("electricity_wan_kwh", "用电量不能为负数"),
    ("co2_t", "二氧化碳排放不能为负数"),
    ("pollutant_t", "主要污染物排放不能为负数"),
    ("coal_t", "原煤消费量不能为负数"),
    ("natural_gas_wan_m3", "天然气消费量不能为负数"),
    ("diesel_t", "柴油消费量不能为负数"),
    ("heat_gj", "外购热力不能为负数"),
)


class EnterpriseYear(models.Model):
    """One enterprise's figures for one year. Units are in the field names."""

    # db_index=False: the unique constraint below starts with this column and serves its lookups;
    # a second index would only slow imports.
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="years",
                                   db_index=False)
    year = models.PositiveSmallIntegerField("年度")
    is_above_scale = models.BooleanField("是否规上", default=False)
    is_key_energy = models.BooleanField("是否重点用能", default=False)
    revenue_wan = models.DecimalField("营业收入(万元)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    value_added_wan = models.DecimalField("工业增加值(万元)", **MONEY)
    tax_wan = models.DecimalField("税收(万元)", **MONEY)
    employees = models.PositiveIntegerField("年均职工人数", null=True, blank=True)
    land_mu = models.DecimalField("用地面积(亩)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    energy_tce = models.DecimalField("综合能耗(吨标准煤)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    rd_wan = models.DecimalField("研发经费(万元)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    # The evaluations' inputs (亩均 单位排放增加值 and 单位电耗税收; 工业碳效码 where CO2 is given).
    electricity_wan_kwh = models.DecimalField("用电量(万千瓦时)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    co2_t = models.DecimalField("二氧化碳排放(吨)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    pollutant_t = models.DecimalField("主要污染物排放(吨)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    # Energy use by carrier, from which 工业碳效码 computes CO2 where it is not given (evaluations/carbon.py).
    coal_t = models.DecimalField("原煤消费量(吨)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    natural_gas_wan_m3 = models.DecimalField("天然气消费量(万立方米)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    diesel_t = models.DecimalField("柴油消费量(吨)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    heat_gj = models.DecimalField("外购热力(吉焦)", **MONEY, validators=[MinValueValidator(Decimal(0))])
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["enterprise_id", "year"]
        verbose_name = "企业年度数据"
        verbose_name_plural = "企业年度数据"
        # Every count reads a region's enterprises first and their years through this constraint's index;
        # a (year, is_above_scale) index went unused by the planner and only slowed imports.
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_unique",
                                    violation_error_message="该企业已有这一年度的数据，请修改原记录"),
            *(models.CheckConstraint(name=f"enterprise_year_{field}_not_negative",
                                     condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
                                     violation_error_message=message)
              for field, message in YEAR_NON_NEGATIVE),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度数据"


class Credential(models.Model):
    """认定: a kind at a level, granted on a date (an upgrade is a new row at a higher level)."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省级"
        MUNICIPAL = "municipal", "市级"
        COUNTY = "county", "县级"

    # Higher is better; "市级以上" means rank >= LEVEL_RANK["municipal"].
    LEVEL_RANK = {"county": 1, "municipal": 2, "provincial": 3, "national": 4}

    # db_index=False: the unique constraint below starts with this column and serves its lookups;
    # a second index would only slow imports.
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE, related_name="credentials",
                                   db_index=False)
    kind = models.ForeignKey(CredentialKind, verbose_name="认定类型", on_delete=models.PROTECT)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    level_rank = models.PositiveSmallIntegerField("级别序号", editable=False)
    granted_on = models.DateField("认定日期")
    ends_on = models.DateField("到期/撤销日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    # What is recognised when an enterprise holds the kind more than once: a workshop's or a product's name,
    # a certificate number ("" for the one credential of its kind and level, as before items existed).
    item = models.CharField("名称/编号", max_length=200, blank=True, default="", db_default="")

    class Meta:
        ordering = ["enterprise_id", "granted_on"]
        verbose_name = "认定"
        verbose_name_plural = "认定"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind", "level", "item"], name="credential_unique",
                                    violation_error_message="该企业已有同类型、同级别、同名称的认定，请修改原记录"),
            models.CheckConstraint(name="credential_ends_after_granted",
                                   condition=models.Q(ends_on__gte=models.F("granted_on")) | models.Q(ends_on__isnull=True),
                                   violation_error_message="到期/撤销日期早于认定日期"),
        ]
        indexes = [models.Index(fields=["kind", "level_rank", "granted_on"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.kind}" + (f"（{self.item}）" if self.item else "")


class DigitalLevel(models.Model):
    """An assessed digital level (1.0–4.0) on a date."""

    # db_index=False: the unique constraint below starts with this column and serves its lookups;
    # a second index would only slow imports.
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="digital_levels", db_index=False)
    level = models.DecimalField("数字化水平", max_digits=2, decimal_places=1)
    assessed_on = models.DateField("评定日期")
    class Source(models.TextChoices):
        IMPORT = "import", "导入"
        PAGE = "page", "页面录入"
        DIAGNOSIS = "diagnosis", "在线诊断"

    source = models.CharField("来源", max_length=32, default=Source.IMPORT, choices=Source.choices)

    class Meta:
        ordering = ["enterprise_id", "assessed_on"]
        verbose_name = "数字化水平评定"
        verbose_name_plural = "数字化水平评定"
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "assessed_on"], name="digital_level_unique",
                                    violation_error_message="该企业在这一天已有评定，请修改原记录"),
            models.CheckConstraint(name="digital_level_range",
                                   condition=models.Q(level__gte=1) & models.Q(level__lte=4),
                                   violation_error_message="数字化水平应在1.0–4.0之间"),
        ]

    def __str__(self) -> str:
        return f"{self.level} ({self.assessed_on})"
