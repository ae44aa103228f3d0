"""The production server as docs/deploy.md sets it up: gunicorn with deploy/gunicorn.conf.py and the
production settings, behind a proxy that says the request came over TLS. It serves pages and static
files, sends the security headers, redirects plain HTTP, and names no version."""

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import NoRedirect, free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
KEY = "q7Vw2-Lm9xZp4RtY8sKd1NfB6hJc3GaE0uWiOo5TvXyQrPlMnS"


def fetch(url, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


@pytest.fixture
def gunicorn(own_database):
    port = free_port()
    env = {**own_database, "LIANGHUA_PRODUCTION": "1", "LIANGHUA_SECRET_KEY": KEY, "LIANGHUA_BEHIND_PROXY": "1",
           "LIANGHUA_BIND": f"127.0.0.1:{port}", "LIANGHUA_WORKERS": "2", "LIANGHUA_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen([GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode()[-3000:]
        try:
            fetch(f"{base}/login/", **{"X-Forwarded-Proto": "https"})
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    yield base
    server.terminate()
    server.wait(timeout=60)


def test_gunicorn_serves_the_app_with_the_production_headers(gunicorn):
    status, headers, body = fetch(f"{gunicorn}/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and "用户登录" in body.decode()
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]
    assert not any(c.isdigit() for c in headers["Server"])  # no version
    status, headers, body = fetch(f"{gunicorn}/static/css/app.css", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and headers["Content-Type"].startswith("text/css") and b".topbar" in body


def test_plain_http_is_sent_to_https(gunicorn):
    status, headers, _ = fetch(f"{gunicorn}/login/")
    assert status == 301 and headers["Location"] == f"https://{gunicorn.removeprefix('http://')}/login/"
