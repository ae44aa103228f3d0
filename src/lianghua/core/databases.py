"""Where the short writes go, so that long work never blocks them (issue 13 §2).

SQLite lets one writer at a time hold the whole database, and an import of a million rows holds it for
as long as its rows take to write. Everything a login or a page view writes — the session, the login
record, the lockout counters — goes, on SQLite, to a database file of its own (`security.sqlite3` beside
the main one), which no import writes. On PostgreSQL writers lock rows, not the database: there is
one database, and this router answers nothing.

`write_or_skip` is for the writes a request may do without (a token's 最近使用, a user's 上次登录):
it waits a moment for the lock and otherwise leaves the value as it was, never failing the request.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger(__name__)

SECURITY_DATABASE = "security"
# The apps and models written on every login and request, never in bulk: their own database on SQLite.
SHORT_WRITE_APPS = {"sessions", "axes"}
SHORT_WRITE_MODELS = {("accounts", "loginrecord")}


def _is_short_write(app_label: str, model_name: str | None) -> bool:
    return app_label in SHORT_WRITE_APPS or (app_label, model_name) in SHORT_WRITE_MODELS


def security_database_used() -> bool:
    return SECURITY_DATABASE in settings.DATABASES


class ShortWritesRouter:
    """Sessions, login records and lockout counters to the `security` database, when there is one."""

    def _route(self, model: Any) -> str | None:
        if security_database_used() and _is_short_write(model._meta.app_label, model._meta.model_name):
            return SECURITY_DATABASE
        return None

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self._route(model)

    def allow_relation(self, first: Any, second: Any, **hints: Any) -> bool | None:
        # A login record names its user (kept in the main database) by id, without a constraint.
        return True if SECURITY_DATABASE in {first._state.db, second._state.db} else None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        if not security_database_used():
            return None
        if model_name is None and app_label not in SHORT_WRITE_APPS:
            # A data migration of another app (RunPython/RunSQL): the main database's.
            return db != SECURITY_DATABASE
        return (db == SECURITY_DATABASE) == _is_short_write(app_label, model_name)


def database_aliases() -> list[str]:
    """Every database this installation keeps, the main one first (migrate, backup and check each)."""
    return list(settings.DATABASES)


def write_or_skip(write: Callable[[], Any], *, model: Any, wait_ms: int = 250) -> bool:
    """Run `write` (one small UPDATE) if the database takes it within `wait_ms`; else log and leave it.

    On SQLite the busy timeout of the connection is lowered for this one statement (a long import may hold
    the write lock for a minute; a request must not wait for it). On PostgreSQL a lock_timeout bounds the
    wait for the row. Inside an open transaction the write simply runs: the caller already holds its locks."""
    alias = router.db_for_write(model)
    connection = connections[alias or "default"]
    if connection.in_atomic_block:
        write()
        return True
    try:
        with lock_wait(wait_ms / 1000, using=connection.alias), transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
            write()
        return True
    except DatabaseError as exc:
        logger.info("skipped a write that can wait (%s): %s", model._meta.label, exc)
        return False


@contextmanager
def lock_wait(seconds: float, *, using: str = "default") -> Iterator[None]:
    """How long SQLite waits for its write lock inside the block (its connection's busy timeout, set
    before BEGIN IMMEDIATE, which is where it waits): long for long work (an import after another
    import), short for a write that can be skipped. Other databases lock rows: nothing to set."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
    try:
        yield
    finally:
        timeout_ms = int(float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)) * 1000)
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {timeout_ms}")
