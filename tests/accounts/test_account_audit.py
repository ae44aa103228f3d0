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
