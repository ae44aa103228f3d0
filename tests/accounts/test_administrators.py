"""三员分立: the 系统管理员 manages accounts and reads reference data, the 安全管理员 unlocks, revokes and
reads login records, the 审计管理员 reads the audit log; none of them does the others' work, none of them
reads the programme's data, and none can give an administrator role."""

import pytest

from lianghua.accounts.models import User
from lianghua.regions.models import Region
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "users": "/admin/accounts/user/",
    "add user": "/admin/accounts/user/add/",
    "tokens": "/admin/accounts/apitoken/",
    "login records": "/admin/accounts/loginrecord/",
    "lockouts": "/admin/axes/accessattempt/",
    "authenticators": "/admin/otp_totp/totpdevice/",
    "change records": "/admin/audit/changerecord/",
    "events": "/admin/audit/domainevent/",
    "audit chains": "/admin/audit/auditchainhead/",
    "regions": "/admin/regions/region/",
    "indicators": "/admin/targets/indicator/",
    "enterprises": "/admin/enterprises/enterprise/",
    "projects": "/admin/projects/project/",
    "subsidy settings": "/admin/policies/policysetting/",
}
MAY = {
    "sysadmin": {"users", "add user", "regions", "indicators"},
    "secadmin": {"users", "tokens", "login records", "lockouts", "authenticators"},
    "auditor": {"login records", "change records", "events", "audit chains"},
}


@pytest.mark.parametrize("role", sorted(MAY))
def test_each_administrator_reaches_their_own_pages_only(client, role):
    user = UserFactory(username=f"the_{role}", role=role, region=None)
    assert user.is_staff  # let into the admin by the role, not by a flag someone set
    client.force_login(user)
    reached = {name for name, url in PAGES.items() if client.get(url).status_code == 200}
    assert reached == MAY[role]
    for name, url in PAGES.items():
        if name not in MAY[role]:
            assert client.get(url).status_code in (302, 403), name


@pytest.mark.parametrize("role", sorted(MAY))
def test_no_administrator_reads_the_programmes_data(client, role):
    EnterpriseFactory(region_code="330424001")
    client.force_login(UserFactory(username=f"data_{role}", role=role, region=None))
    answer = client.get("/api/v1/enterprises/")
    assert answer.status_code == 200 and answer.json()["count"] == 0
    assert client.get("/enterprises/").status_code in (200, 403)
    assert "330424001" not in client.get("/enterprises/").content.decode()


def test_the_system_administrator_cannot_give_or_touch_an_administrator_role(client):
    sysadmin = UserFactory(username="sys", role="sysadmin", region=None)
    auditor = UserFactory(username="aud", role="auditor", region=None)
    client.force_login(sysadmin)
    form = client.get("/admin/accounts/user/add/").content.decode()
    assert 'value="officer"' in form and 'value="auditor"' not in form and 'value="admin"' not in form
    assert client.get(f"/admin/accounts/user/{auditor.pk}/change/").status_code in (200, 403)
    refused = client.post(f"/admin/accounts/user/{auditor.pk}/change/", {"username": "aud", "role": "officer"})
    assert refused.status_code == 403
    assert User.objects.get(pk=auditor.pk).role == "auditor"
    strong = "系统管理员建的账号-2026-长"
    made = client.post("/admin/accounts/user/add/", {
        "username": "town_officer", "password1": strong, "password2": strong, "usable_password": "true",
        "role": "auditor", "region": Region.objects.get(code="330424102").pk})
    assert made.status_code == 200 and not User.objects.filter(username="town_officer").exists()  # not a choice


def test_the_security_administrator_unlocks_a_locked_account(client):
    from axes.models import AccessAttempt

    officer = UserFactory(username="locked_one", role="officer", region_code="330424")
    for n in range(5):
        client.post("/login/", {"username": "locked_one", "password": f"错{n}"})
    assert client.post("/login/", {"username": "locked_one", "password": "lianghua-test-pw"}).status_code == 429
    attempt = AccessAttempt.objects.get(username="locked_one")
    client.force_login(UserFactory(username="sec", role="secadmin", region=None))
    done = client.post("/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": [attempt.pk],
                                                        "post": "yes"})
    assert done.status_code == 302 and not AccessAttempt.objects.exists()
    client.logout()
    assert client.post("/login/", {"username": "locked_one", "password": "lianghua-test-pw"}).status_code == 302
    assert officer.pk
