from lianghua.accounts.scope import user_sees_region
from lianghua.enterprises.selectors import enterprises_visible_to
from lianghua.projects.selectors import projects_visible_to
from lianghua.regions.models import Region
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory


def test_officer_sees_only_their_subtree(db, baibu_officer, county_officer, admin_user):
    baibu = EnterpriseFactory(region_code="330424102")
    wuyuan = EnterpriseFactory(region_code="330424001")
    ProjectFactory(enterprise=baibu, code="BB-1")
    ProjectFactory(enterprise=wuyuan, code="WY-1")
    assert list(enterprises_visible_to(baibu_officer)) == [baibu]
    assert list(projects_visible_to(baibu_officer).values_list("code", flat=True)) == ["BB-1"]
    assert set(enterprises_visible_to(county_officer)) == {baibu, wuyuan}
    assert enterprises_visible_to(admin_user).count() == 2


def test_enterprise_user_sees_only_their_enterprise(db):
    own = EnterpriseFactory(region_code="330424102")
    EnterpriseFactory(region_code="330424102")
    user = UserFactory(username="ent", role="enterprise", enterprise=own)
    assert list(enterprises_visible_to(user)) == [own]
    assert not user_sees_region(user, Region.objects.get(code="330424102"))


def test_region_visibility(db, baibu_officer, county_leader):
    wuyuan = Region.objects.get(code="330424001")
    assert not user_sees_region(baibu_officer, wuyuan)
    assert user_sees_region(county_leader, wuyuan)
    assert not user_sees_region(county_leader, Region.objects.get(code="330400"))
