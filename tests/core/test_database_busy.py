"""A write that waited its full time for SQLite's lock answers 503 in Chinese, on a page and in the API."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from lianghua.core.errors import BUSY_TEXT, DatabaseBusyMiddleware

pytestmark = pytest.mark.django_db


def locked(request):
    raise OperationalError("database is locked")


@pytest.mark.parametrize("path, kind", [("/projects/1/edit/", "text/html"), ("/api/v1/projects/1", "application/json")])
def test_a_locked_database_is_a_chinese_503_not_a_500(county_officer, path, kind):
    request = RequestFactory().post(path)
    request.user = county_officer
    middleware = DatabaseBusyMiddleware(locked)
    response = middleware.process_exception(request, OperationalError("database is locked"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith(kind)
    assert BUSY_TEXT in response.content.decode()


def test_other_database_errors_are_left_to_the_500_handler(county_officer):
    request = RequestFactory().get("/")
    assert DatabaseBusyMiddleware(locked).process_exception(request, OperationalError("no such table: x")) is None
