"""The roles as declared (accounts/roles.py) are what every check asks: capabilities, scopes, the
installation's operator, and a superuser acting as administrator."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lianghua.accounts.roles import ROLES, Capability, Scope, role_of, user_may
from lianghua.accounts.scope import user_home_region
from lianghua.enterprises.selectors import enterprises_visible_to
from lianghua.regions.models import Region
from tests.factories import EnterpriseFactory, UserFactory

C = Capability


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", set(C)),
    ("officer", set(C) - {C.ADMINISTER, C.MANAGE_USERS, C.MANAGE_SECURITY, C.READ_AUDIT}),
    ("leader", {C.VIEW}),
    ("enterprise", {C.CLAIM, C.REPORT}),
    ("sysadmin", {C.MANAGE_USERS}),
    ("secadmin", {C.MANAGE_SECURITY}),
    ("auditor", {C.READ_AUDIT}),
])
def test_each_role_may_do_what_it_declares(db, role, allowed):
    extra = ({"enterprise": EnterpriseFactory(region_code="330424102")} if role == "enterprise"
             else {"region": Region.objects.get(code="330424")} if role in ("officer", "leader") else {})
    user = UserFactory(username=f"u-{role}", role=role, **extra)
    assert {c for c in C if user_may(user, c)} == allowed
    assert role_of(user) is ROLES[role]


def test_a_region_role_without_its_region_may_do_nothing(db):
    # The database refuses such a row (user_region_role_has_region); an unsaved one still gets nothing.
    officer = UserFactory.build(username="no-region", role="officer", region=None)
    assert not any(user_may(officer, c) for c in C)
    assert enterprises_visible_to(officer).count() == 0


def test_nobody_and_the_operator(db):
    EnterpriseFactory(region_code="330424102")
    assert role_of(AnonymousUser()).scope == Scope.NOTHING and not user_may(AnonymousUser(), C.VIEW)
    assert enterprises_visible_to(AnonymousUser()).count() == 0
    # None is the command line's operator: every region, every capability.
    assert all(user_may(None, c) for c in C)
    assert enterprises_visible_to(None).count() == 1


def test_a_superuser_acts_as_administrator_and_opens_on_the_home_region(db, settings):
    superuser = UserFactory(username="root", role="officer", is_superuser=True,
                            region=Region.objects.get(code="330424"))
    assert role_of(superuser) is ROLES["admin"] and user_may(superuser, C.ADMINISTER)
    settings.LIANGHUA_HOME_REGION = "330481"  # 海宁市
    admin = UserFactory(username="adm", role="admin")
    assert user_home_region(admin).name == "海宁市"
