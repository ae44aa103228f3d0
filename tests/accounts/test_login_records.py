"""Every login, logout and failed login is recorded with time, user, address and result; the records are
read only, in the admin as anywhere."""

import pytest

from lianghua.accounts.models import LoginRecord
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "lianghua-test-pw"  # tests.factories.UserFactory's


@pytest.fixture
def officer(db):
    return UserFactory(username="records_officer", role="officer", region_code="330424")


def test_login_logout_and_failure_are_recorded_with_address_and_browser(client, officer):
    browser = {"HTTP_USER_AGENT": "Mozilla/5.0 测试浏览器", "REMOTE_ADDR": "10.1.2.3"}
    refused = client.post("/login/", {"username": "records_officer", "password": "wrong"}, **browser)
    assert refused.status_code == 200  # the form again
    client.post("/login/", {"username": "nobody_here", "password": "x"}, **browser)
    assert client.post("/login/", {"username": "records_officer", "password": PASSWORD}, **browser).status_code == 302
    client.post("/logout/", **browser)
    records = list(LoginRecord.objects.order_by("id").values_list("username", "user_id", "result", "ip", "user_agent"))
    assert records == [
        ("records_officer", officer.pk, "failure", "10.1.2.3", "Mozilla/5.0 测试浏览器"),
        ("nobody_here", None, "failure", "10.1.2.3", "Mozilla/5.0 测试浏览器"),
        ("records_officer", officer.pk, "success", "10.1.2.3", "Mozilla/5.0 测试浏览器"),
        ("records_officer", officer.pk, "logout", "10.1.2.3", "Mozilla/5.0 测试浏览器"),
    ]
    officer.refresh_from_db()
    assert officer.last_login is not None  # written, the database not being busy


def test_the_client_address_behind_the_proxy_is_the_one_it_appended(client, officer, settings):
    spoofed = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    client.post("/login/", {"username": "records_officer", "password": "wrong"}, **spoofed)
    settings.LIANGHUA_BEHIND_PROXY = True
    client.post("/login/", {"username": "records_officer", "password": "wrong"}, **spoofed)
    assert list(LoginRecord.objects.order_by("id").values_list("ip", flat=True)) == ["127.0.0.1", "203.0.113.9"]


def test_login_records_cannot_be_added_changed_or_deleted_in_the_admin(client, admin_user, officer):
    client.post("/login/", {"username": "records_officer", "password": "wrong"})
    client.force_login(admin_user)
    record = LoginRecord.objects.get(result="failure")
    assert client.get("/admin/accounts/loginrecord/").status_code == 200
    assert client.get("/admin/accounts/loginrecord/add/").status_code == 403
    assert client.post(f"/admin/accounts/loginrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/accounts/loginrecord/{record.pk}/change/", {"username": "x"}).status_code == 403
    assert LoginRecord.objects.get(pk=record.pk).username == "records_officer"
