"""Writes on accounts: API tokens for scripts."""

from django.db import transaction

from lianghua.audit.services import domain_event_record

from .models import ApiToken, User


@transaction.atomic
def api_token_create(*, user: User, name: str, by: User | None = None) -> tuple[ApiToken, str]:
    """A new bearer token for `user`. Returns the row and the key; only the key's hash is stored, so the
    key can be shown this once and never again."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name or "脚本", key_hash=ApiToken.hash_key(key),
                                    prefix=key[:8])
    domain_event_record(kind="api_token.created", actor=by, region=user.region,
                        user=user.username, name=token.name, prefix=token.prefix)
    return token, key
