"""Every page carries a Content-Security-Policy that runs no inline script and no eval, and a
Permissions-Policy; no template holds what that policy would refuse (the browser tests also fail on
any CSP violation Chromium logs)."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lianghua"


def test_pages_send_the_csp_and_permissions_policy(client, county_officer):
    client.force_login(county_officer)
    for path in ["/login/", "/", "/imports/", "/api/v1/regions/"]:
        response = client.get(path)
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert policy["script-src"] == "'self'", path
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_no_template_holds_an_inline_script_or_handler():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{template.name}: {tag}")
        offenders += [f"{template.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+\s*=", text)]
        offenders += [f"{template.name}: {m.group(0)}" for m in re.finditer(r"hx-on\S*|javascript:", text)]
        offenders += [f"{template.name}: {m.group(0)}" for m in re.finditer(r'hx-trigger="[^"]*\[', text)]
    assert offenders == []
