"""The roles, declared once: for each, how its scope is drawn and what its holders may do.

Views, the API, commands and services ask `user_may(user, capability)`; every read passes through
`accounts.scope.scope_queryset`, which draws the scope the role declares. A new role (a service provider
or expert whose scope is "the enterprises I serve") is one declaration here and one scope strategy.

`None` as the acting user is the installation's own operator (the command line, data loads): everything
in scope, every capability, recorded as no user.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Capability(StrEnum):
    VIEW = "view"  # the figures of the regions in scope: dashboard, plans, targets, records, budgets
    WRITE = "write"  # correct records, enter 填报值, recompute a claim
    IMPORT = "import"  # load files into the registry
    CLAIM = "claim"  # file a subsidy claim
    REPORT = "report"  # submit its own enterprise's figures for an officer's approval
    APPROVE = "approve"  # move a claim (and, later, a report) through review
    PUBLISH = "publish"  # publish bulletins
    ADMINISTER = "administer"  # settings, users, other people's imports
    # The three administrators of 等保 2.0 (三员分立), each without the others' work and without the data:
    MANAGE_USERS = "manage_users"  # 系统管理员: accounts and their roles, reference data
    MANAGE_SECURITY = "manage_security"  # 安全管理员: lockouts, API tokens, login records
    READ_AUDIT = "read_audit"  # 审计管理员: reads the audit log and its chains, changes nothing


class Scope(StrEnum):
    """How a role's scope is drawn (accounts.scope applies it)."""

    EVERYTHING = "everything"
    REGION = "region"  # the user's region and its whole subtree
    ENTERPRISE = "enterprise"  # the user's own enterprise
    NOTHING = "nothing"


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    scope: Scope
    capabilities: frozenset[Capability]
    # What the role may do in the admin (Django permission names, granted by accounts.backends).
    admin_permissions: frozenset[str] = frozenset()

    @property
    def uses_admin(self) -> bool:
        return bool(self.admin_permissions)

    @property
    def needs_region(self) -> bool:
        return self.scope == Scope.REGION

    @property
    def needs_enterprise(self) -> bool:
        return self.scope == Scope.ENTERPRISE


ALL = frozenset(Capability)
ADMINISTRATION = frozenset({Capability.ADMINISTER, Capability.MANAGE_USERS, Capability.MANAGE_SECURITY,
                            Capability.READ_AUDIT})
REFERENCE_DATA_VIEW = frozenset({"regions.view_region", "enterprises.view_industry", "enterprises.view_credentialkind",
                                 "targets.view_indicator", "targets.view_plan", "targets.view_target"})
ROLES: dict[str, Role] = {role.code: role for role in (
    Role("admin", "管理员", Scope.EVERYTHING, ALL),
    Role("officer", "经信部门工作人员", Scope.REGION,
         frozenset(ALL - ADMINISTRATION)),
    Role("leader", "领导（只读）", Scope.REGION, frozenset({Capability.VIEW})),
    Role("enterprise", "企业用户", Scope.ENTERPRISE, frozenset({Capability.CLAIM, Capability.REPORT})),
    Role("sysadmin", "系统管理员", Scope.NOTHING, frozenset({Capability.MANAGE_USERS}),
         REFERENCE_DATA_VIEW | {"accounts.view_user", "accounts.add_user", "accounts.change_user"}),
    Role("secadmin", "安全管理员", Scope.NOTHING, frozenset({Capability.MANAGE_SECURITY}),
         frozenset({"accounts.view_user", "accounts.view_apitoken", "accounts.change_apitoken",
                    "accounts.view_loginrecord", "axes.view_accessattempt", "axes.delete_accessattempt",
                    # a lost authenticator: its device deleted, the user sets up a new one at the next login
                    "otp_totp.view_totpdevice", "otp_totp.delete_totpdevice"})),
    Role("auditor", "审计管理员", Scope.NOTHING, frozenset({Capability.READ_AUDIT}),
         frozenset({"audit.view_changerecord", "audit.view_domainevent", "audit.view_auditchainhead",
                    "accounts.view_loginrecord"})),
)}
# Only the installation's administrator (a superuser) gives these roles: no one of them can make another.
ADMINISTRATOR_ROLES = frozenset({"admin", "sysadmin", "secadmin", "auditor"})
ROLE_CHOICES = [(role.code, role.label) for role in ROLES.values()]
ADMIN = ROLES["admin"]
# Not assignable: who acts when nobody logged in does, and the installation's own operator.
NOBODY = Role("nobody", "未登录", Scope.NOTHING, frozenset())
OPERATOR = Role("operator", "命令行（本机操作员）", Scope.EVERYTHING, ALL)


def role_of(user: Any) -> Role:
    """The role a user acts in: a superuser as administrator; an anonymous or inactive user as nobody."""
    if user is None:
        return OPERATOR
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOBODY
    if user.is_superuser:
        return ADMIN
    return ROLES.get(user.role, NOBODY)


def user_may(user: Any, capability: Capability) -> bool:
    """May the user do this at all (within their scope)? A region-scoped user without a region, or an
    enterprise user without an enterprise, may do nothing."""
    role = role_of(user)
    if capability not in role.capabilities:
        return False
    if role.needs_region and user.region_id is None:
        return False
    if role.needs_enterprise and user.enterprise_id is None:
        return False
    return True


def user_sees_everything(user: Any) -> bool:
    return role_of(user).scope == Scope.EVERYTHING
