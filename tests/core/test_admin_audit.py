"""Admin edits leave who, when, before and after; data loaded from data/ (targets included) is not edited
there at all."""

from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import Enterprise
from lianghua.targets.models import Target
from tests.factories import EnterpriseFactory


def test_an_enterprise_edited_in_the_admin_leaves_who_when_before_and_after(client, admin_user):
    enterprise = EnterpriseFactory(region_code="330424102", name="海盐华达紧固件有限公司")
    client.force_login(admin_user)
    page = client.get(f"/admin/enterprises/enterprise/{enterprise.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["name"] = "浙江华达紧固件股份有限公司"
    response = client.post(f"/admin/enterprises/enterprise/{enterprise.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ChangeRecord.objects.filter(model="enterprises.enterprise", object_pk=str(enterprise.pk)).latest("id")
    assert record.actor == admin_user and record.action == "update"
    assert record.before["name"] == "海盐华达紧固件有限公司" and record.after["name"] == "浙江华达紧固件股份有限公司"
    assert Enterprise.objects.get(pk=enterprise.pk).name == "浙江华达紧固件股份有限公司"


def test_targets_change_through_their_data_file_not_the_admin(client, admin_user):
    """The next `lianghua init` would put an admin edit back: the admin shows targets and changes none."""
    target = Target.objects.get(plan__code="haiyan-2024-2026", indicator__code="mujun_tax",
                                region__code="330424", year=2025, basis="annual")
    client.force_login(admin_user)
    base = "/admin/targets/target/"
    assert client.get(f"{base}{target.pk}/change/").status_code == 200
    assert client.post(f"{base}{target.pk}/change/", {"value": "39.5"}).status_code == 403
    assert client.post(f"{base}{target.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"{base}add/").status_code == 403
    assert str(Target.objects.get(pk=target.pk).value).rstrip("0").rstrip(".") == "39"
