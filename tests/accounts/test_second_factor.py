"""Administrators log in with a password and a TOTP code; other users may choose to. Until the code is
given, no page but the second factor's opens, and the API answers 401 to that session."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lianghua.audit.models import DomainEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "lianghua-test-pw"  # tests.factories.UserFactory's


@pytest.fixture(autouse=True)
def required(settings):
    settings.LIANGHUA_ADMIN_OTP_REQUIRED = True


def login(client, username):
    answer = client.post("/login/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 302
    return client.get(answer["Location"])


def unthrottle(device):
    """What waiting out the delay after a wrong code does."""
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()


def code_of(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_an_administrator_sets_up_the_app_then_logs_in_with_its_code(client):
    admin = UserFactory(username="sec_admin", role="secadmin", region=None)
    first = login(client, "sec_admin")
    assert first.status_code == 302 and first["Location"].startswith("/notifications/otp/setup/")
    assert client.get("/admin/").status_code == 302  # nothing opens before the second factor
    assert client.get("/api/v1/regions/").status_code == 401
    page = client.get("/notifications/otp/setup/").content.decode()
    assert "管理员账号必须启用动态口令" in page and 'src="data:image/svg+xml;base64,' in page
    key = re.search(r'<code id="otp-key">([A-Z2-7=]+)</code>', page).group(1)
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    assert key.rstrip("=") and device.bin_key
    wrong = client.post("/notifications/otp/setup/", {"code": "000000"})
    assert "动态口令不正确或已过期" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a wrong code makes the next one wait (django-otp)
    unthrottle(device)
    done = client.post("/notifications/otp/setup/", {"code": code_of(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert DomainEvent.objects.filter(kind="user.second_factor_enrolled", actor=admin).exists()

    client.post("/logout/")
    again = login(client, "sec_admin")
    assert again["Location"].startswith("/notifications/otp/verify/")
    assert "动态口令不正确" in client.post("/notifications/otp/verify/", {"code": "123456"}).content.decode()
    device.refresh_from_db()
    unthrottle(device)
    device.last_t = -1  # a code is accepted once: the enrolment used this step's
    device.save()
    passed = client.post("/notifications/otp/verify/", {"code": code_of(device), "next": "/admin/"})
    assert passed.status_code == 302 and client.get("/admin/").status_code == 200


def test_an_officer_is_not_asked_unless_they_chose_it(client):
    UserFactory(username="plain_officer", role="officer", region_code="330424")
    assert login(client, "plain_officer").status_code == 200  # the dashboard, at once
    page = client.get("/notifications/otp/setup/").content.decode()
    assert "启用后，每次登录除密码外" in page


def test_a_bearer_token_is_not_asked_for_a_code(client):
    from lianghua.accounts.services import api_token_create

    admin = UserFactory(username="token_admin", role="admin", region=None, is_superuser=True)
    _, key = api_token_create(user=admin, name="脚本")
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_a_security_administrator_resets_a_lost_authenticator(client):
    lost = UserFactory(username="lost_phone", role="auditor", region=None)
    device = TOTPDevice.objects.create(user=lost, name="身份验证器", confirmed=True)
    security_admin = UserFactory(username="the_sec", role="secadmin", region=None)
    own = TOTPDevice.objects.create(user=security_admin, name="身份验证器", confirmed=True)
    client.force_login(security_admin)  # then their own second factor, as at every login
    assert client.post("/notifications/otp/verify/", {"code": code_of(own)}).status_code == 302
    done = client.post("/admin/otp_totp/totpdevice/", {"action": "delete_selected", "_selected_action": [device.pk],
                                                         "post": "yes"})
    assert done.status_code == 302 and not TOTPDevice.objects.filter(user=lost).exists()
    client.logout()
    assert login(client, "lost_phone")["Location"].startswith("/notifications/otp/setup/")
