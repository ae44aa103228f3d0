"""Shared fixtures: reference data loaded once per test session, users of every role, factories.

Browser tests (marker `browser`) run last: their live server needs a transactional database, which is
flushed after each of them.
"""

import os
import shutil
import socket
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import dj_database_url
import pytest

from lianghua.setup.reference import reference_data_load
from tests.factories import UserFactory


def pytest_configure(config):
    from django.conf import settings

    # Each user fixture would otherwise spend ~0.5 s in PBKDF2; the hasher is not under test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    # Every test that touches a database may touch all of them: on SQLite, sessions and login records
    # live in the `security` database (lianghua/core/databases.py), and a login is part of many tests.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue
        kwargs = dict(marker.kwargs) if marker else {}
        if marker and marker.args:
            kwargs.setdefault("transaction", marker.args[0])
        kwargs["databases"] = "__all__"
        item.add_marker(pytest.mark.django_db(**kwargs), append=False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def reference_data(django_db_blocker):
    """For transactional tests (live server): the flush of an earlier one removed the session's data."""
    from lianghua.regions.models import Region

    with django_db_blocker.unblock():
        if not Region.objects.filter(code="330424").exists():
            reference_data_load()


@pytest.fixture
def region(db):
    """Region by code or name, e.g. region("330424102") or region("百步镇")."""
    from lianghua.regions.selectors import region_resolve

    return region_resolve


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin_t", role="admin", region=None, is_superuser=True, is_staff=True)


@pytest.fixture
def county_officer(db):
    return UserFactory(username="haiyan_officer", role="officer", region_code="330424")


@pytest.fixture
def baibu_officer(db):
    """百步镇 officer: must never see 武原街道's records."""
    return UserFactory(username="baibu_officer", role="officer", region_code="330424102")


@pytest.fixture
def wuyuan_officer(db):
    return UserFactory(username="wuyuan_officer", role="officer", region_code="330424001")


@pytest.fixture
def county_leader(db):
    return UserFactory(username="haiyan_leader", role="leader", region_code="330424")


LIANGHUA = str(Path(sys.executable).with_name("lianghua"))


def free_port() -> int:
    """A loopback port nobody listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """An opener's handler that hands a 30x back as it is (its Location is what a test checks)."""

    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def own_database(tmp_path):
    """The environment of a process (`lianghua …`, gunicorn) with a fresh database of its own, initialised
    (`lianghua init`): a SQLite file, or a database created on this run's PostgreSQL server."""
    env = {**os.environ, "LIANGHUA_VAR_DIR": str(tmp_path / "var"), "PYTHONUNBUFFERED": "1"}
    url = os.environ.get("DATABASE_URL", "")
    server = dj_database_url.parse(url) if url.startswith("postgres") else None
    name = f"lianghua_own_{uuid.uuid4().hex[:8]}"
    if server:
        import psycopg

        admin = psycopg.connect(host=server["HOST"], port=server["PORT"] or 5432, user=server["USER"],
                                password=server["PASSWORD"] or None, dbname=server["NAME"], autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{name}"
    else:
        env.pop("DATABASE_URL", None)
    subprocess.run([LIANGHUA, "init"], env=env, check=True, capture_output=True, timeout=300)
    yield env
    if server:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()
    shutil.rmtree(tmp_path / "var", ignore_errors=True)
