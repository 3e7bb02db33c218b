"""A real `streamlit run app.py` on a localhost port, and Debian Chromium's launch settings.

Shared by the browser tests and the crash tests, so both start the server the
same way users do.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, db_url: str, log: Path, pia_path: Path, extra_args: tuple[str, ...] = (),
                 extra_env: dict[str, str] | None = None, *, script: str = "app.py",
                 root: Path = ROOT) -> subprocess.Popen[bytes]:
    """Start the app and wait until its health check answers (or fail with the server's log).

    `extra_args` go to `streamlit run` (e.g. `--secrets.files` for a login), `extra_env` to its environment.
    `script` and `root` (the tree it runs from, its `pia` first on the path) let the load benchmark serve a
    variant of app.py or another checkout of pia the same way (benchmarks/load_sessions.py).
    """
    env = {**os.environ, "PIA_DATABASE_URL": db_url, "PIA_PATH": str(pia_path),
           "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONPATH": str(root), **(extra_env or {})}
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--global.developmentMode", "false", *extra_args],
            cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


class RunWatch:
    """Knows, from Streamlit's own messages on the page's websocket, whether the run a click asked for is over.

    The page's "script state" attribute cannot tell: a click sends its rerun
    request without changing it, so a check made right after the click still
    reads "notRunning" from the run before, and the test goes on to read a page
    the server has not yet redrawn (or to click again into a run in progress).
    The watch relays the websocket unchanged and counts, per connection, the
    rerun requests the page sent, the runs the server started after them and
    the runs that ended (a run cut short for a newer request does not count).
    """

    class _Conn:
        def __init__(self) -> None:
            self.requested = self.started = self.finished = 0
            self.closed = False   # the page left (navigation, reload): wait for the next connection's first run

    def __init__(self) -> None:
        self.current: RunWatch._Conn | None = None

    def attach(self, page) -> RunWatch:  # noqa: ANN001
        import re

        page.route_web_socket(re.compile(r"/_stcore/stream"), self._route)
        page.pia_watch = self
        return self

    def _route(self, ws) -> None:  # noqa: ANN001
        conn = self.current = RunWatch._Conn()
        server = ws.connect_to_server()
        server.on_message(lambda m: (self._from_server(conn, m), ws.send(m)))
        ws.on_message(lambda m: (self._from_page(conn, m), server.send(m)))
        ws.on_close(lambda *_: setattr(conn, "closed", True))

    @staticmethod
    def _from_page(conn: RunWatch._Conn, message: bytes | str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(message, bytes):
            msg = BackMsg()
            msg.ParseFromString(message)
            if msg.WhichOneof("type") == "rerun_script":
                conn.requested += 1

    @staticmethod
    def _from_server(conn: RunWatch._Conn, message: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(message, bytes):
            return
        msg = ForwardMsg()
        msg.ParseFromString(message)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            conn.started = conn.requested          # this run includes every request sent before it began
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            conn.finished = conn.started

    def settled(self) -> bool:
        c = self.current
        return c is not None and not c.closed and c.requested > 0 and c.finished == c.requested

    def wait(self, page, timeout_ms: int = 60_000) -> None:  # noqa: ANN001
        """Let the page's events flow until every rerun it asked for has run to the end."""
        deadline = time.monotonic() + timeout_ms / 1000
        while not self.settled():
            if time.monotonic() > deadline:
                c = self.current
                counts = "no connection" if c is None else f"{c.requested} asked, {c.started} begun, {c.finished} ended"
                raise AssertionError(f"the app never finished the run the page asked for ({counts})")
            page.wait_for_timeout(20)


def wait_idle(page) -> None:  # noqa: ANN001
    """The app is at rest: every run the page asked for has ended (see RunWatch, when attached), and
    Streamlit's own readiness marks agree (connected, script not running, no skeleton)."""
    from playwright.sync_api import expect

    watch = getattr(page, "pia_watch", None)
    if watch is not None:
        watch.wait(page)
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-connection-state", "CONNECTED", timeout=30_000)
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=30_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=30_000)
