"""403, 404 and 500 in Chinese: the reason the code gave, a link home; an ordinary refusal is logged as
one line, not a traceback."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from lianghua.core.log_filters import OrdinaryRefusalWithoutTraceback

pytestmark = pytest.mark.django_db


def test_403_keeps_the_chinese_reason_and_logs_no_traceback(two_towns, caplog):
    client = Client()
    client.force_login(two_towns.enterprise_user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("reporting:discipline"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "无权访问" in page and "填报情况只对经信部门和领导开放" in page and 'href="/"' in page
    assert "Forbidden" not in page and "<h1>403" not in page
    # The console handler of settings.LOGGING, as the server's log writes the records.
    console = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, OrdinaryRefusalWithoutTraceback) for f in h.filters))
    refusals = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert refusals and all(console.filter(r) for r in refusals)
    written = "\n".join(console.format(r) for r in refusals)
    assert "Forbidden (Permission denied): /reporting/discipline/" in written and "Traceback" not in written


def test_404_outside_scope_is_chinese_and_names_nothing(two_towns, baibu_officer):
    client = Client()
    client.force_login(baibu_officer)
    response = client.get(reverse("projects:detail", args=[two_towns.w1.pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "找不到页面或记录" in page and "不在您的查看范围内" in page
    assert "No Project matches" not in page and two_towns.w1.name not in page
    assert "找不到页面或记录" in client.get("/no-such-page/").content.decode()


def test_404_with_a_chinese_reason_shows_it(county_officer):
    client = Client()
    client.force_login(county_officer)
    response = client.get("/reporting/new/nonsense/")
    assert response.status_code == 404 and "未知的填报类型" in response.content.decode()


@pytest.mark.urls("tests.web.boom_urls")
def test_500_is_a_chinese_page(county_officer):
    client = Client(raise_request_exception=False)
    client.force_login(county_officer)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in page and "不会留下写了一半的数据" in page and "a bug" not in page


def test_a_form_without_its_token_is_refused_in_chinese(county_officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(county_officer)
    response = client.post(reverse("reporting:remind"), {"month": "2026-05"})
    page = response.content.decode()
    assert response.status_code == 403 and "页面已过期" in page and "CSRF verification" not in page
