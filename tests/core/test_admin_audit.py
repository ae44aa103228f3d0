from decimal import Decimal

from lianghua.audit.models import ChangeRecord
from lianghua.targets.models import Target


def test_a_target_edited_in_the_admin_leaves_who_when_before_and_after(client, admin_user):
    target = Target.objects.get(plan__code="haiyan-2024-2026", indicator__code="mujun_tax",
                                region__code="330424", year=2025, basis="annual")
    assert target.value == Decimal("39")
    client.force_login(admin_user)
    page = client.get(f"/admin/targets/target/{target.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields}
    data["value"] = "39.5"
    response = client.post(f"/admin/targets/target/{target.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    record = ChangeRecord.objects.filter(model="targets.target", object_pk=str(target.pk)).latest("id")
    assert record.actor == admin_user
    assert record.action == "update"
    assert Decimal(record.before["value"]) == Decimal("39")
    assert Decimal(record.after["value"]) == Decimal("39.5")
