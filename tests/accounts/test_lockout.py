"""5 failed logins of one username within 15 minutes lock it for 15 minutes, whatever the address and
even with the right password; a 安全管理员 unlocks it at once. Every step is a login record."""

import pytest
from django.core.management import call_command

from lianghua.accounts.models import LoginRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "lianghua-test-pw"  # tests.factories.UserFactory's


@pytest.fixture
def officer(db):
    return UserFactory(username="lock_officer", role="officer", region_code="330424")


def attempt(client, password, address="10.0.0.1", username="lock_officer"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_even_for_the_right_password(client, officer, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for n in range(4):
        assert attempt(client, f"错的{n}", address=f"10.0.0.{n + 1}").status_code == 200  # the form again
    assert attempt(client, PASSWORD).status_code == 302  # four failures: still may log in (and reset)
    client.post("/logout/")
    for n in range(5):
        attempt(client, f"错的{n}", address=f"10.0.1.{n + 1}")
    locked = attempt(client, PASSWORD, address="10.9.9.9")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "账号“lock_officer”连续 5 次登录失败，已锁定 15 分钟" in page
    assert "_auth_user_id" not in client.session
    results = list(LoginRecord.objects.order_by("id").values_list("result", flat=True))
    assert results[:5] == ["failure"] * 4 + ["success"]
    assert "locked" in results[5:] and results.count("success") == 1
    # Another account is not touched by this one's lockout.
    UserFactory(username="other_officer", role="officer", region_code="330424")
    assert attempt(client, PASSWORD, username="other_officer").status_code == 302


def test_a_security_administrator_unlocks_at_once(client, officer):
    for n in range(5):
        attempt(client, f"错的{n}")
    assert attempt(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "lock_officer")
    assert attempt(client, PASSWORD).status_code == 302
