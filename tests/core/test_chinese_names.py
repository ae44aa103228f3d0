"""The admin speaks Chinese: every model of ours and every field it shows has a Chinese name, and each
admin list and form renders without an English model name ("Activitys", "Project progresss")."""

import re

import pytest
from django.apps import apps
from django.contrib import admin

CHINESE = re.compile(r"[\u4e00-\u9fff]")
OURS = [m for m in apps.get_models() if m.__module__.startswith("lianghua.")]


@pytest.mark.parametrize("model", OURS, ids=[m._meta.label for m in OURS])
def test_every_model_and_field_has_a_chinese_name(model):
    meta = model._meta
    assert CHINESE.search(str(meta.verbose_name)) and CHINESE.search(str(meta.verbose_name_plural)), meta.label
    english = [f.name for f in meta.get_fields()
               if f.concrete and f.name != "id" and not CHINESE.search(str(f.verbose_name))]
    assert english == [], f"{meta.label}: {english}"


REGISTERED = [m for m in admin.site._registry if m.__module__.startswith("lianghua.")]


@pytest.mark.django_db
@pytest.mark.parametrize("model", REGISTERED, ids=[m._meta.label for m in REGISTERED])
def test_every_admin_list_renders_in_chinese(client, admin_user, model):
    client.force_login(admin_user)
    meta = model._meta
    page = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(meta.verbose_name_plural) in text
    assert f"Select {meta.model_name}" not in text and f"{meta.object_name}s" not in text
    assert "Select " not in text and "to change" not in text  # Django's own words come translated
    index = client.get("/admin/").content.decode()
    assert "Site administration" not in index
