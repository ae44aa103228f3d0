import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .roles import ADMINISTRATOR_ROLES, ROLE_CHOICES, ROLES


def _role_in(codes: list[str]) -> models.Q:
    """Role is one of `codes` (written as the migrations have it: one code compares by equality)."""
    return models.Q(role=codes[0]) if len(codes) == 1 else models.Q(role__in=codes)


class PlatformUserManager(UserManager["User"]):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """`lianghua createsuperuser`: an administrator, whose scope is everything (no region to give)."""
        from lianghua.audit.services import change_record

        extra_fields.setdefault("role", "admin")
        user = super().create_superuser(username, email, password, **extra_fields)
        change_record(actor=None, instance=user, action="create", before=None)  # the command line's operator
        return user


class User(AbstractUser):
    """A person with one role (accounts/roles.py) and one region scope (or one enterprise, for enterprise
    users)."""

    objects = PlatformUserManager()

    role = models.CharField("角色", max_length=12, choices=ROLE_CHOICES, default="officer")
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name="所属企业", null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField("姓名", max_length=64, blank=True)
    # When the password was last set (a reminder to change it after LIANGHUA_PASSWORD_MAX_AGE_DAYS).
    password_changed_at = models.DateTimeField(verbose_name="密码修改时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        # What each role's scope needs, from the declarations (a new role may need a migration here).
        constraints = [
            models.CheckConstraint(
                name="user_enterprise_role_has_enterprise",
                condition=~_role_in([r.code for r in ROLES.values() if r.needs_enterprise])
                | models.Q(enterprise__isnull=False),
            ),
            models.CheckConstraint(
                name="user_region_role_has_region",
                condition=~_role_in([r.code for r in ROLES.values() if r.needs_region])
                | models.Q(region__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_age_days(self) -> int:
        """Days since the password was set (since the account was made, for one set before this was kept)."""
        return (timezone.now() - (self.password_changed_at or self.date_joined)).days

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The admin site lets in whoever administers something: the administrator roles, never the others.
        self.is_staff = self.is_superuser or self.role in ADMINISTRATOR_ROLES
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff"}
        if update_fields is not None and "password" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "password_changed_at"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """What the role's scope needs, said before the database's constraint would refuse it."""
        super().clean()
        role = ROLES.get(self.role)
        if role is not None and role.needs_region and self.region_id is None:
            raise ValidationError({"region": f"角色“{role.label}”须指定所属区域"})
        if role is not None and role.needs_enterprise and self.enterprise_id is None:
            raise ValidationError({"enterprise": f"角色“{role.label}”须指定所属企业"})


def token_expiry_default() -> datetime:
    return timezone.now() + timedelta(days=settings.LIANGHUA_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for scripts. Only its SHA-256 is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=64)
    key_hash = models.CharField(verbose_name="密钥摘要", max_length=64, unique=True)
    prefix = models.CharField(verbose_name="密钥前缀", max_length=8)
    created_at = models.DateTimeField(verbose_name="创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField(verbose_name="最近使用", null=True, blank=True)
    # Tokens made before expiry existed were given LIANGHUA_TOKEN_DAYS from the migration.
    expires_at = models.DateTimeField(verbose_name="到期时间", default=token_expiry_default)
    revoked_at = models.DateTimeField(verbose_name="撤销时间", null=True, blank=True)

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


class Notification(models.Model):
    """A message to one user in the app (通知): a bulletin drafted, a job finished. Also e-mailed where an
    SMTP server is configured (accounts.notifications)."""

    user = models.ForeignKey(User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class LoginRecord(models.Model):
    """Every login, logout and failed login, with time, user, address and result (等保 2.0 安全审计).

    On SQLite it lives in the security database (lianghua/core/databases.py), so its user is named by id
    without a database constraint, and by the username as typed (a failed login may name no user)."""

    class Result(models.TextChoices):
        SUCCESS = "success", "登录成功"
        FAILURE = "failure", "登录失败"
        LOCKED = "locked", "连续失败，账号锁定"
        LOGOUT = "logout", "退出登录"

    at = models.DateTimeField(verbose_name="时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(User, verbose_name="用户", null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    username = models.CharField(verbose_name="用户名", max_length=150)
    result = models.CharField(verbose_name="结果", max_length=16, choices=Result.choices)
    ip = models.GenericIPAddressField(verbose_name="IP 地址", null=True, blank=True)
    user_agent = models.CharField(verbose_name="浏览器", max_length=300, blank=True)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["username", "-at"], name="loginrecord_username_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_result_display()}"
