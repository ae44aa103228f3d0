from django.db import models


class Region(models.Model):
    """A node of the reporting tree: province > city > county/zone > town.

    `path` is the chain of codes from the root ("330000/330400/330424/"), so "region R" — always R's
    whole subtree — is one indexed prefix match in SQLite and PostgreSQL alike.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县（市、区）"
        ZONE = "zone", "功能区"
        TOWN = "town", "镇（街道）"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    short_name = models.CharField("简称", max_length=32, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name="上级区域", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(verbose_name="树路径", max_length=200, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(verbose_name="层级", default=0)
    order = models.PositiveIntegerField("排序", default=0)
    source = models.CharField("来源", max_length=200, blank=True)
    disabled_on = models.DateField("停用日期", null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "区域"
        verbose_name_plural = "区域"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_within(self, other: "Region") -> bool:
        """True when self is `other` or lies in its subtree."""
        return self.path.startswith(other.path)
