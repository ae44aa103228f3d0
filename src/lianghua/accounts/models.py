import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person with one role and one region scope (or one enterprise, for enterprise users)."""

    class Role(models.TextChoices):
        ADMIN = "admin", "管理员"
        OFFICER = "officer", "经信部门工作人员"
        LEADER = "leader", "领导（只读）"
        ENTERPRISE = "enterprise", "企业用户"

    role = models.CharField("角色", max_length=12, choices=Role.choices, default=Role.OFFICER)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                name="user_enterprise_role_has_enterprise",
                condition=~models.Q(role="enterprise") | models.Q(enterprise__isnull=False),
            ),
            models.CheckConstraint(
                name="user_region_role_has_region",
                condition=~models.Q(role__in=["officer", "leader"]) | models.Q(region__isnull=False),
            ),
        ]

    @property
    def is_administrator(self) -> bool:
        return self.role == self.Role.ADMIN or self.is_superuser

    @property
    def can_write(self) -> bool:
        return self.is_administrator or self.role == self.Role.OFFICER

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A bearer token for scripts. Only its SHA-256 is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "lh_" + secrets.token_urlsafe(32)
