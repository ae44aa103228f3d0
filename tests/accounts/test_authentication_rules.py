"""等保 2.0 三级 identity rules: strong passwords, a user's own password page, sessions that end when idle
and after a fixed time, and a production mode that refuses to start unsafe."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lianghua.audit.models import DomainEvent
from lianghua.core.sessions import LOGIN_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIANGHUA = str(Path(sys.executable).with_name("lianghua"))
STRONG = "蓝色港湾-工业互联网-2026"


@pytest.mark.parametrize("password", ["12345678", "password", "123456789012345", "password1234", "haiyan_officer1"])
def test_weak_passwords_are_refused_in_chinese(county_officer, password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, county_officer)
    assert all(any("\u4e00" <= c <= "\u9fff" for c in m) for m in refused.value.messages), refused.value.messages


def test_a_long_uncommon_password_passes(county_officer):
    validate_password(STRONG, county_officer)


@pytest.fixture
def officer(db):
    user = UserFactory(username="pw_officer", role="officer", region_code="330424")
    user.set_password("旧密码-足够长的一串-1")
    user.save()
    return user


def test_every_user_changes_their_own_password_on_a_chinese_page(client, officer):
    client.force_login(officer)
    page = client.get("/notifications/password/").content.decode()
    assert "修改密码" in page and "至少 12 位" in page
    weak = client.post("/notifications/password/", {"old_password": "旧密码-足够长的一串-1",
                                                    "new_password1": "12345678", "new_password2": "12345678"})
    assert "密码太短：至少 12 个字符。" in weak.content.decode() and "这个密码太常见了" in weak.content.decode()
    wrong = client.post("/notifications/password/", {"old_password": "不对", "new_password1": STRONG,
                                                     "new_password2": STRONG})
    assert "旧密码不正确" in wrong.content.decode() or "原密码" in wrong.content.decode()
    done = client.post("/notifications/password/", {"old_password": "旧密码-足够长的一串-1", "new_password1": STRONG,
                                                    "new_password2": STRONG})
    assert "密码已修改" in done.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(STRONG)
    assert DomainEvent.objects.filter(kind="user.password_changed", payload__user="pw_officer").exists()
    assert client.get("/notifications/").status_code == 200  # this session stays


def test_a_session_ends_when_idle_and_after_its_absolute_limit(client, officer, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(officer)
    assert client.get("/notifications/").status_code == 200
    assert client.session.get_expiry_age() == 30 * 60  # renewed by each request: an idle limit
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 12 * 3600 - 60
    session.save()
    ended = client.get("/notifications/")
    assert ended.status_code == 302 and ended["Location"].startswith("/login/?next=/notifications/")
    assert client.get("/notifications/").status_code == 302  # logged out, not just redirected once


def deploy_check(tmp_path, **extra):
    env = {**os.environ, "LIANGHUA_VAR_DIR": str(tmp_path), "LIANGHUA_PRODUCTION": "1", **extra}
    if "LIANGHUA_SECRET_KEY" not in extra:
        env.pop("LIANGHUA_SECRET_KEY", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' live server in this process
    return subprocess.run([LIANGHUA, "check", "--deploy"], env=env, capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_real_secret_key(tmp_path):
    refused = deploy_check(tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip().startswith("配置错误：生产模式（LIANGHUA_PRODUCTION=1）必须设置 LIANGHUA_SECRET_KEY")
    assert deploy_check(tmp_path, LIANGHUA_SECRET_KEY="x" * 60).returncode == 1  # not random


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    clean = deploy_check(tmp_path, LIANGHUA_SECRET_KEY="q7Vw2-Lm9xZp4RtY8sKd1NfB6hJc3GaE0uWiOo5TvXyQrPlMnS",
                         LIANGHUA_BEHIND_PROXY="1", LIANGHUA_ALLOWED_HOSTS="lianghua.example.gov.cn")
    assert clean.returncode == 0, clean.stderr
    assert "System check identified no issues" in clean.stdout


def test_without_a_key_outside_production_a_random_one_is_kept(tmp_path):
    env = {**os.environ, "LIANGHUA_VAR_DIR": str(tmp_path)}
    env.pop("LIANGHUA_SECRET_KEY", None)
    env.pop("LIANGHUA_PRODUCTION", None)
    read = [LIANGHUA, "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]
    first = subprocess.run(read, env=env, capture_output=True, text=True, check=True).stdout.strip()
    again = subprocess.run(read, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert first == again and len(first) >= 50 and "insecure" not in first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_password_past_its_age_brings_a_reminder_until_it_is_changed(client, officer, settings):
    import datetime

    from django.utils import timezone

    from lianghua.accounts.models import User

    assert settings.LIANGHUA_PASSWORD_MAX_AGE_DAYS == 90
    client.force_login(officer)
    assert 'id="password-reminder"' not in client.get("/notifications/").content.decode()
    User.objects.filter(pk=officer.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=95))
    page = client.get("/notifications/").content.decode()
    assert "您的密码已使用 95 天，请及时" in page
    client.post("/notifications/password/", {"old_password": "旧密码-足够长的一串-1", "new_password1": STRONG,
                                             "new_password2": STRONG})
    assert 'id="password-reminder"' not in client.get("/notifications/").content.decode()
    settings.LIANGHUA_PASSWORD_MAX_AGE_DAYS = 0
    User.objects.filter(pk=officer.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=400))
    assert 'id="password-reminder"' not in client.get("/notifications/").content.decode()
