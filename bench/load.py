"""A bounded load test of the production server (issue 13 §7), on loopback only.

Run:  .venv/bin/python bench/load.py [--users 20] [--seconds 180] [--think 1.0] [--database-url URL]

It builds the demo (`lianghua init` + `lianghua demo`) in a database of its own (a fresh SQLite file in a
temporary directory, or the empty database `--database-url` names), starts gunicorn with
deploy/gunicorn.conf.py and the production settings on a free loopback port, logs in `--users` virtual
users (the demo's officers, leader and enterprise user, each with a session of its own), and has each
walk the pages an officer opens in the month's work — dashboard, project and enterprise lists, a
project, the reporting queue, the API's progress and project list — for `--seconds`, pausing `--think`
seconds between requests (0: a closed loop that saturates the machine). It prints the requests, the errors (any answer but 200, or a failed connection), and the
latency's p50, p95 and p99 overall and per page against the limits in the same table: 0 errors, p95 ≤
1 s. The client shares the 2 cores with the server: the figures are for the pair.
"""

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
KEY = "bench-load-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFG"
P95_LIMIT_S = 1.0
DEMO_PASSWORD = "demo12345"  # lianghua.setup.demo.DEMO_PASSWORD (the demo's, printed by `serve --demo`)
# (username, the pages it walks): the demo's accounts, each used by several virtual users.
WALKS = {
    "haiyan": ["/", "/projects/", "/enterprises/", "/reporting/", "/api/v1/plans/haiyan-2024-2026/progress",
               "/api/v1/projects/", "/bulletins/"],
    "baibu": ["/", "/projects/", "/enterprises/", "/api/v1/projects/"],
    "wuyuan": ["/", "/projects/", "/reporting/"],
    "lingdao": ["/", "/bulletins/", "/api/v1/plans/haiyan-2024-2026/progress"],
    "qiye": ["/reporting/", "/projects/", "/subsidies/"],  # an enterprise user: its reports, projects, claims
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class ProxiedCookies(http.cookiejar.DefaultCookiePolicy):
    """The production cookies are Secure; this client plays the TLS proxy on loopback, so it sends them."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class VirtualUser(threading.Thread):
    def __init__(self, base: str, username: str, until: float, think: float, results: list, errors: list):
        super().__init__(daemon=True)
        self.base, self.username, self.until, self.results, self.errors = base, username, until, results, errors
        self.think = think
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(ProxiedCookies())),
                                                  NoRedirect)
        self.headers = {"X-Forwarded-Proto": "https"}

    def _open(self, path: str, data: bytes | None = None, extra: dict | None = None):
        request = urllib.request.Request(self.base + path, data=data, headers={**self.headers, **(extra or {})})
        try:
            with self.opener.open(request, timeout=60) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as answer:
            return answer.code, answer.read()

    def login(self) -> None:
        status, page = self._open("/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        form = urllib.parse.urlencode({"username": self.username, "password": DEMO_PASSWORD,
                                       "csrfmiddlewaretoken": token}).encode()
        status, _ = self._open("/login/", form, {"Referer": f"https://{self.base.split('://')[1]}/login/"})
        if status != 302:
            raise SystemExit(f"{self.username} 登录失败（{status}）")

    def run(self) -> None:
        walk, step = WALKS[self.username], 0
        while time.monotonic() < self.until:
            path = walk[step % len(walk)]
            step += 1
            started = time.perf_counter()
            try:
                status, _ = self._open(path)
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                status = f"连接失败：{exc}"
            seconds = time.perf_counter() - started
            self.results.append((path, seconds))
            if status != 200:
                self.errors.append((path, status))
            time.sleep(self.think)


def lianghua(env: dict, *arguments: str) -> None:
    subprocess.run([str(BIN / "lianghua"), *arguments], env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description="生产服务器（gunicorn）负载测试：多个用户同时按日常操作访问页面和 API（仅本机回环地址）")
    parser.add_argument("--users", type=int, default=20, help="同时在线的用户数（默认 20）")
    parser.add_argument("--seconds", type=int, default=180, help="持续秒数（默认 180）")
    parser.add_argument("--think", type=float, default=1.0, help="每个用户两次请求之间停顿的秒数（默认 1；0 为不停顿的满负荷）")
    parser.add_argument("--database-url", help="使用该（空的）数据库；默认在临时目录新建 SQLite")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lianghua-load-"))
    env = {**os.environ, "LIANGHUA_VAR_DIR": str(folder), "LIANGHUA_PRODUCTION": "1", "LIANGHUA_SECRET_KEY": KEY,
           "LIANGHUA_BEHIND_PROXY": "1", "LIANGHUA_ALLOWED_HOSTS": "127.0.0.1"}
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    print(f"生成演示数据（{folder}）…", flush=True)
    lianghua(env, "init")
    lianghua(env, "demo")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env["LIANGHUA_BIND"] = f"127.0.0.1:{port}"
    server = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")], env=env,
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(urllib.request.Request(base + "/login/", headers={"X-Forwarded-Proto": "https"}),
                                       timeout=5)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        names = list(WALKS)
        results: list = []
        errors: list = []
        until = time.monotonic() + args.seconds
        users = [VirtualUser(base, names[n % len(names)], until, args.think, results, errors) for n in range(args.users)]
        for user in users:
            user.login()
        print(f"{args.users} 个用户已登录，压测 {args.seconds} 秒（gunicorn {env.get('LIANGHUA_WORKERS', '默认')} 进程）…",
              flush=True)
        started = time.monotonic()
        for user in users:
            user.start()
        for user in users:
            user.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
    times = [seconds for _, seconds in results]
    print()
    print(f"负载测试结果（{args.users} 个用户，每次请求后停顿 {args.think:g} 秒，{elapsed:.0f} 秒，{'PostgreSQL' if args.database_url else 'SQLite'}，"
          f"{os.cpu_count()} 核，客户端与服务器同机）")
    print(f"{'页面':<44}{'请求':>7}{'p50':>9}{'p95':>9}{'p99':>9}")
    for path in sorted({p for p, _ in results}):
        page = [s for p, s in results if p == path]
        print(f"{path:<44}{len(page):>7}{percentile(page, .5) * 1000:>7.0f}ms{percentile(page, .95) * 1000:>7.0f}ms"
              f"{percentile(page, .99) * 1000:>7.0f}ms")
    p95 = percentile(times, .95)
    print(f"{'全部':<44}{len(times):>7}{statistics.median(times) * 1000:>7.0f}ms{p95 * 1000:>7.0f}ms"
          f"{percentile(times, .99) * 1000:>7.0f}ms")
    print(f"每秒请求 {len(times) / elapsed:.1f}；错误 {len(errors)} 个（目标 0）{'达标' if not errors else '未达标'}；"
          f"p95 {p95 * 1000:.0f} ms（目标 ≤{P95_LIMIT_S * 1000:.0f} ms）{'达标' if p95 <= P95_LIMIT_S else '未达标'}")
    for path, status in errors[:10]:
        print(f"  错误：{path} → {status}")
    sys.exit(0 if not errors else 1)


if __name__ == "__main__":
    main()
