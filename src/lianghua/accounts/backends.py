"""Admin permissions from the role (accounts/roles.py, `Role.admin_permissions`), declared in code with the
role, instead of groups kept in the database that could drift from it. Authenticates nobody."""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from .roles import ROLES


class RolePermissionBackend(BaseBackend):
    def _permissions(self, user: Any) -> frozenset[str]:
        if not user.is_active or user.is_anonymous:
            return frozenset()
        role = ROLES.get(user.role)
        return role.admin_permissions if role is not None else frozenset()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set(self._permissions(user_obj))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self._permissions(user_obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self._permissions(user_obj))
