"""Real Chromium (Debian's /usr/bin/chromium, never a downloaded browser) against the live server."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PASSWORD = "lianghua-test-pw"  # tests.factories.UserFactory's

# Playwright's sync API runs an event loop in this thread; the live server's ORM calls are in its own.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BROWSER_MARKS = [
    pytest.mark.browser,
    # scripts/test.sh installs Chromium and sets LIANGHUA_REQUIRE_BROWSER: there a missing browser fails the
    # run instead of skipping its end-to-end checks.
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("LIANGHUA_REQUIRE_BROWSER"),
                       reason="/usr/bin/chromium is not installed (apt-get install chromium)"),
]


# Every message Chromium logs for a Content-Security-Policy violation, on any page a browser test opens:
# a script, style or frame the policy refuses is a page that does not work for an officer.
CSP_VIOLATIONS: list[str] = []


def csp_watch(page):
    page.on("console", lambda message: CSP_VIOLATIONS.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    return page


@pytest.fixture(autouse=True)
def no_csp_violations():
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == []


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def chromium_page(chromium):
    page = csp_watch(chromium.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN"))
    page.set_default_timeout(15_000)
    yield page


def logged_in_page(browser, live_server, username: str, *, width: int = 1400, height: int = 1000):
    """A fresh browser context (its own cookies) logged in as `username`."""
    page = csp_watch(browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page())
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page
from tests.web.scenario import two_towns  # noqa: F401, E402
