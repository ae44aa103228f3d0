"""User, role and token changes leave a trace; no password or token hash enters it."""

import pytest

from lianghua.accounts.models import ApiToken
from lianghua.accounts.services import api_token_create
from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.regions.models import Region

pytestmark = pytest.mark.django_db


def test_a_role_change_in_the_admin_is_recorded_without_the_password(client, admin_user, baibu_officer):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{baibu_officer.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data.update({"role": "leader", "region": Region.objects.get(code="330424").pk,
                 "date_joined_0": "2026-12-01", "date_joined_1": "09:00:00"})
    data = {k: v for k, v in data.items() if v != [] and k != "date_joined"}
    response = client.post(f"/admin/accounts/user/{baibu_officer.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    record = ChangeRecord.objects.filter(model="accounts.user", object_pk=str(baibu_officer.pk)).latest("id")
    assert record.actor == admin_user and record.action == "update"
    assert (record.before["role"], record.after["role"]) == ("officer", "leader")
    assert record.before["password"] == record.after["password"] == "（已隐去）"


def test_a_password_change_is_an_event(client, admin_user, baibu_officer):
    client.force_login(admin_user)
    response = client.post(f"/admin/accounts/user/{baibu_officer.pk}/password/",
                           {"password1": "a-new-secret-123", "password2": "a-new-secret-123", "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:2000]
    event = DomainEvent.objects.get(kind="user.password_changed")
    assert event.actor == admin_user and event.payload == {"user": baibu_officer.username}


def test_tokens_are_recorded_when_made_and_revoked_in_the_admin(client, admin_user, county_officer):
    token, key = api_token_create(user=county_officer, name="月报同步", by=admin_user)
    created = ChangeRecord.objects.get(model="accounts.apitoken", object_pk=str(token.pk), action="create")
    assert created.after["key_hash"] == "（已隐去）" and key not in str(created.after)
    client.force_login(admin_user)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403  # made by createtoken, shown once
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    revoked = ChangeRecord.objects.filter(model="accounts.apitoken", object_pk=str(token.pk)).latest("id")
    assert revoked.actor == admin_user and revoked.before["revoked_at"] is None and revoked.after["revoked_at"]
    assert DomainEvent.objects.filter(kind="api_token.revoked", actor=admin_user).exists()
    client.logout()
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_an_undeclared_event_kind_is_refused():
    from lianghua.audit.services import domain_event_record

    with pytest.raises(ValueError, match="undeclared"):
        domain_event_record(kind="bulletin.publishd")


STRONG = "新用户的初始密码-足够长-2026"


def test_a_user_is_created_in_the_admin_with_role_and_region_and_recorded(client, admin_user):
    from lianghua.accounts.models import User

    client.force_login(admin_user)
    base = {"username": "new_officer", "password1": STRONG, "password2": STRONG, "usable_password": "true",
            "display_name": "新同事", "role": "officer"}
    refused = client.post("/admin/accounts/user/add/", base)
    assert refused.status_code == 200 and "角色“经信部门工作人员”须指定所属区域" in refused.content.decode()
    assert not User.objects.filter(username="new_officer").exists()
    created = client.post("/admin/accounts/user/add/", {**base, "region": Region.objects.get(code="330424102").pk})
    assert created.status_code == 302, created.content.decode()[:3000]
    user = User.objects.get(username="new_officer")
    assert (user.role, user.region.name, user.check_password(STRONG)) == ("officer", "百步镇", True)
    record = ChangeRecord.objects.get(model="accounts.user", object_pk=str(user.pk), action="create")
    assert record.actor == admin_user and record.after["password"] == "（已隐去）"


def test_createsuperuser_makes_an_administrator_and_records_it(db):
    import os

    from django.core.management import call_command

    from lianghua.accounts.models import User

    os.environ["DJANGO_SUPERUSER_PASSWORD"] = STRONG
    try:
        call_command("createsuperuser", interactive=False, username="root_admin", email="a@example.gov.cn",
                     verbosity=0)
    finally:
        del os.environ["DJANGO_SUPERUSER_PASSWORD"]
    user = User.objects.get(username="root_admin")
    assert (user.role, user.region_id, user.is_superuser) == ("admin", None, True)
    assert ChangeRecord.objects.filter(model="accounts.user", object_pk=str(user.pk), action="create",
                                       actor=None).exists()


def test_users_are_deactivated_never_deleted_and_keep_their_history(client, admin_user, baibu_officer):
    from lianghua.accounts.models import User

    event = DomainEvent.objects.create(kind="user.password_changed", actor=baibu_officer, payload={"user": "x"})
    client.force_login(admin_user)
    assert client.get(f"/admin/accounts/user/{baibu_officer.pk}/delete/").status_code == 403
    listing = client.get("/admin/accounts/user/").content.decode()
    assert "delete_selected" not in listing and "停用所选用户" in listing
    done = client.post("/admin/accounts/user/", {"action": "deactivate", "_selected_action": [baibu_officer.pk]})
    assert done.status_code == 302
    assert User.objects.get(pk=baibu_officer.pk).is_active is False
    event.refresh_from_db()
    assert event.actor_id == baibu_officer.pk
    record = ChangeRecord.objects.filter(model="accounts.user", object_pk=str(baibu_officer.pk)).latest("id")
    assert (record.before["is_active"], record.after["is_active"]) == (True, False)


def test_domain_events_cannot_be_deleted_in_the_admin(client, admin_user):
    event = DomainEvent.objects.create(kind="user.password_changed", actor=admin_user, payload={"user": "x"})
    client.force_login(admin_user)
    assert client.post(f"/admin/audit/domainevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert DomainEvent.objects.filter(pk=event.pk).exists()


def test_a_token_expires_and_its_use_is_recorded(client, county_officer, settings):
    import datetime

    from django.utils import timezone

    token, key = api_token_create(user=county_officer, name="月报同步", days=30)
    assert abs((token.expires_at - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/regions/", **headers).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/regions/", **headers).status_code == 401
    default, _ = api_token_create(user=county_officer, name="默认")
    assert abs((default.expires_at - timezone.now()) - datetime.timedelta(days=settings.LIANGHUA_TOKEN_DAYS)) < \
        datetime.timedelta(minutes=1)
