"""Browser fixtures: the real app served on 127.0.0.1, the system Chromium driven by Playwright,
and a page that may not send a single request off the machine.

    live_server                                  base URL, e.g. "http://127.0.0.1:41234"
    browser                                      one headless Chromium per test module
    page                                         a fresh zh-CN / Asia/Shanghai context per test
    shot(page, name=None) -> Path                tests/artifacts/<test>-<n>[-<name>].png, full page
    signed_in(page, base_url, username, password) -> Response | None

Chromium is /usr/bin/chromium from apt (scripts/install-chromium.sh); Playwright never downloads
a browser. Without it the browser tests skip, unless KAOPING_REQUIRE_BROWSER is set, when they
fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from engine.app import create_app
from engine.config import PROJECT_ROOT

from ..conftest import CHROMIUM_LAUNCHES, free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"  # tests/artifacts/, git-ignored
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
NETWORK_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
TIMEOUT_MS = 15_000  # Playwright's default is 30 s; a local page that needs more is broken

_foreign = pytest.StashKey[list]()  # the requests a test's page sent off the machine
_reported = pytest.StashKey[bool]()  # ...and the call phase already failed the test for them


def _browser_required() -> bool:
    return os.environ.get("KAOPING_REQUIRE_BROWSER", "") not in ("", "0")


def _no_browser(reason: str):
    if _browser_required():
        pytest.fail(
            f"{reason} (KAOPING_REQUIRE_BROWSER is set, so this is a failure, not a skip)", pytrace=False
        )
    pytest.skip(f"browser tests skipped: {reason}")


def _leaves_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in NETWORK_SCHEMES and parts.hostname not in LOCAL_HOSTS


# --- the server --------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path) -> str:
    """SQLite only: what a page shows does not depend on the database, so once is enough."""
    target = tmp_path / "kaoping.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), target)
    return f"sqlite:///{target}"


@pytest.fixture
def settings(settings):
    """The shipped processes dir: the assessment reads Yunnan's divisions from there."""
    return replace(settings, processes_dir=PROJECT_ROOT / "processes")


@pytest.fixture
def live_server(rt):
    """The real app over the test's own runtime (so `people`, `admin` and `rt` see what the
    browser sees), served by werkzeug in a thread; yields the base URL without a trailing slash."""
    port = free_port()
    server = make_server("127.0.0.1", port, create_app(runtime=rt), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=f"live-server-{port}", daemon=True)
    thread.start()  # the socket is already listening: make_server binds and listens
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        _no_browser(f"{CHROMIUM} is not installed (run scripts/install-chromium.sh)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright package is not installed (pip install -e '.[browser]')")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    started = time.monotonic()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    CHROMIUM_LAUNCHES.append(time.monotonic() - started)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def page(browser, request):
    """A page in its own context. Every request is recorded; one that would leave the machine is
    aborted and fails the test: a page must load with no request leaving the machine."""
    requests: list[str] = []
    foreign = request.node.stash.setdefault(_foreign, [])
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(TIMEOUT_MS)

    def seen(req):
        requests.append(f"{req.method} {req.url}")
        if _leaves_machine(req.url) and req.url not in foreign:
            foreign.append(req.url)

    context.on("request", seen)
    context.route(_leaves_machine, lambda route: route.abort("blockedbyclient"))
    page = context.new_page()
    page.on("websocket", lambda ws: _leaves_machine(ws.url) and foreign.append(ws.url))
    page.requests = requests  # for tests that want to look
    try:
        yield page
    finally:
        context.close()
    if foreign and not request.node.stash.get(_reported, False):
        pytest.fail(_foreign_message(foreign), pytrace=False)


def _foreign_message(foreign: list[str]) -> str:
    return "a page must load with no request leaving the machine; these went elsewhere:\n  " + "\n  ".join(
        foreign
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail the test itself (not just its teardown) when its page reached off the machine."""
    result = yield
    foreign = item.stash.get(_foreign, [])
    if foreign:
        item.stash[_reported] = True
        pytest.fail(_foreign_message(foreign), pytrace=False)
    return result


# --- helpers -----------------------------------------------------------------------------------


def _slug(text: str) -> str:
    """test_x[sqlite] → test_x-sqlite: safe as a file name."""
    return re.sub(r"[^\w.-]+", "-", text).strip("-")


@pytest.fixture
def shot(request):
    """shot(page, name=None) saves a full-page screenshot as tests/artifacts/<test>-<n>.png (or
    <test>-<n>-<name>.png), n counting 1, 2, … within the test; returns the path."""
    test = _slug(request.node.name)
    count = 0

    def take(page, name: str | None = None) -> Path:
        nonlocal count
        count += 1
        label = f"-{_slug(name)}" if name else ""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{test}-{count}{label}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def _sign_in(page, base_url: str, username: str, password: str):
    """Open /login, fill the form, submit and wait for the navigation it causes. Returns that
    navigation's response; it does not judge whether the sign-in succeeded."""
    page.goto(f"{base_url.rstrip('/')}/login")
    # Within the sign-in form: once signed in, the page header has its own submit button (sign out).
    form = page.locator("form", has=page.locator("input[name=username]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation() as navigation:
        form.locator("button[type=submit]").click()
    return navigation.value


@pytest.fixture
def signed_in():
    """signed_in(page, live_server, username, password) → the response to the form's submission."""
    return _sign_in
