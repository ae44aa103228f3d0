"""Writes on accounts: API tokens for scripts (user edits go through the audited admin)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lianghua.audit.models import ChangeRecord
from lianghua.audit.services import change_record, domain_event_record, snapshot

from .models import ApiToken, User


@transaction.atomic
def api_token_create(*, user: User, name: str, by: User | None = None, days: int | None = None) -> tuple[ApiToken, str]:
    """A new bearer token for `user`, valid `days` (default LIANGHUA_TOKEN_DAYS). Returns the row and the
    key; only the key's hash is stored, so the key can be shown this once and never again."""
    key = ApiToken.new_key()
    valid = timedelta(days=days if days is not None else settings.LIANGHUA_TOKEN_DAYS)
    token = ApiToken.objects.create(user=user, name=name or "脚本", key_hash=ApiToken.hash_key(key),
                                    prefix=key[:8], expires_at=timezone.now() + valid)
    change_record(actor=by, instance=token, action=ChangeRecord.Action.CREATE)
    domain_event_record(kind="api_token.created", actor=by, region=user.region,
                        user=user.username, name=token.name, prefix=token.prefix)
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    """Revoke a token: it authenticates nothing from now on; the row stays, with when."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    change_record(actor=by, instance=token, action=ChangeRecord.Action.UPDATE, before=before)
    domain_event_record(kind="api_token.revoked", actor=by, region=token.user.region,
                        user=token.user.username, name=token.name, prefix=token.prefix)
    return token
