"""Long work never blocks short work (issue 13 §2): while a long import writes, logins and API calls
succeed, and a second import waits its turn instead of failing.

A real server (`lianghua serve`) and a real `lianghua import` run as processes on a database of their
own. On SQLite the test watches the main database's write lock and counts the requests made entirely
while the import held it: there must be some, and none may fail. The server waits at most one second
for the lock (LIANGHUA_SQLITE_WAIT_SECONDS; 20 in production), so a request that needed the lock would
fail here as it would behind a million-row import.
"""

import http.cookiejar
import json
import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import LIANGHUA, NoRedirect, free_port
from tests.factories import valid_credit_code

ROWS = 250_000
PASSWORD = "短请求-测试-密码-2026"
SETUP = f"""
from lianghua.accounts.models import User
from lianghua.regions.models import Region
user = User.objects.create_user("short_officer", password={PASSWORD!r}, role="officer",
                                region=Region.objects.get(code="330424"))
"""


def server_wait(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped"
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def login(base: str) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": "short_officer", "password": PASSWORD, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/login/", data=form.encode(), headers={"Referer": f"{base}/login/"})
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code == 302 and "/login/" not in answer.headers["Location"]:
            return 302
        return answer.code
    return 200  # the form again: the login was refused


def api_call(base: str, key: str) -> int:
    request = urllib.request.Request(f"{base}/api/v1/regions/", headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            json.loads(answer.read())
            return answer.status
    except urllib.error.HTTPError as answer:
        return answer.code


def write_locked(database: Path | None) -> bool | None:
    """Whether someone holds SQLite's write lock on `database` now (None: not SQLite)."""
    if database is None:
        return None
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def enterprises_file(path: Path, rows: int, first: int, suffix: str) -> Path:
    lines = ["统一社会信用代码,企业名称,所属区域,行业代码"]
    lines += [f"{valid_credit_code(first + n)},企业{n}·{suffix},武原街道,C34" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_logins_api_calls_and_a_second_import_succeed_while_a_long_import_writes(tmp_path, own_database):
    env = {**own_database, "LIANGHUA_SQLITE_WAIT_SECONDS": "1"}
    subprocess.run([LIANGHUA, "shell", "-c", SETUP], env=env, check=True, capture_output=True, timeout=120)
    key = subprocess.run([LIANGHUA, "createtoken", "short_officer"], env=env, check=True, capture_output=True,
                         text=True, timeout=120).stdout.strip()
    sqlite_file = None if env.get("DATABASE_URL") else Path(env["LIANGHUA_VAR_DIR"]) / "lianghua.sqlite3"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([LIANGHUA, "serve", f"127.0.0.1:{port}", "--no-worker"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        server_wait(base, server)
        with urllib.request.urlopen(f"{base}/login/", timeout=10) as page:
            assert page.headers["Server"] == "lianghua"  # not "WSGIServer/0.2 CPython/3.11.7"
        big = enterprises_file(tmp_path / "big.csv", ROWS, 200_000, "大")
        small = enterprises_file(tmp_path / "small.csv", 50, 900_000, "小")
        long_import = subprocess.Popen([LIANGHUA, "import", "enterprises", str(big)], env=env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        second_import = None
        answers: list[tuple[str, int, bool]] = []  # (what, status, made entirely under the write lock)
        while long_import.poll() is None:
            before = write_locked(sqlite_file)
            if before and second_import is None:  # the long one is writing: a second one arrives
                second_import = subprocess.Popen([LIANGHUA, "import", "enterprises", str(small)], env=env,
                                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            status_login = login(base)
            status_api = api_call(base, key)
            during = bool(before and write_locked(sqlite_file))
            answers += [("login", status_login, during), ("api", status_api, during)]
        long_out, long_err = long_import.communicate()
        assert long_import.returncode == 0, long_err
        assert f"新增 {ROWS} 行" in long_out
        failed = [a for a in answers if a[1] not in (200, 302)]
        assert failed == [], failed
        if sqlite_file is not None:
            under_lock = [a for a in answers if a[2]]
            print(f"{len(answers)} short requests during the import, {len(under_lock)} while it held the lock")
            assert len([a for a in under_lock if a[0] == "login"]) >= 2, answers
            assert second_import is not None
        else:
            print(f"{len(answers)} short requests during the import")
            assert len(answers) >= 4
        if second_import is not None:
            second_out, second_err = second_import.communicate(timeout=600)
            assert second_import.returncode == 0, second_err
            assert "新增 50 行" in second_out
    finally:
        server.terminate()
        server.wait(timeout=30)
