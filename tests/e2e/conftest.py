"""A real `streamlit run app.py` on a free localhost port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..serverkit import CHROMIUM, CHROMIUM_ARGS, RunWatch, free_port, start_server, wait_idle


class Server:
    def __init__(self, url: str, db_url: str, proc: subprocess.Popen[bytes], log: Path):
        self.url, self.db_url, self.proc, self.log = url, db_url, proc, log


@pytest.fixture(scope="module")
def server(tmp_path_factory, fixtures) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e")
    port = free_port()
    db_url = f"sqlite:///{tmp / 'drafts.db'}"
    log = tmp / "server.log"
    proc = start_server(port, db_url, log, fixtures / "mini")
    url = f"http://127.0.0.1:{port}"
    yield Server(url, db_url, proc, log)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium not installed: apt-get install chromium (CI installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser_requests() -> list[str]:
    """Every URL the page's browser context asked for (filled by the `page` fixture)."""
    return []


@pytest.fixture
def page(browser, tmp_path, browser_requests, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.on("request", lambda r: browser_requests.append(r.url))   # every request, workers and favicons too
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    if request.node.get_closest_marker("own_websocket") is None:
        RunWatch().attach(pg)
    yield pg
    context.close()


def outside(requests: list[str], app_url: str) -> list[str]:
    """The requests that went anywhere but the app's own origin (data: and blob: never leave the browser)."""
    from urllib.parse import urlsplit

    own = urlsplit(app_url)
    return sorted({u for u in requests if not u.startswith(("data:", "blob:"))
                   and (urlsplit(u).scheme, urlsplit(u).netloc) != (own.scheme, own.netloc)})


@pytest.fixture
def idle():
    """The wait_idle helper, as a fixture (test modules cannot import conftest)."""
    return wait_idle


@pytest.fixture
def outside_of():
    """The `outside` helper, as a fixture."""
    return outside
