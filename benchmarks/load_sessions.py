"""N officials at once on real `streamlit run app.py` servers, driven over Streamlit's own websocket protocol.

Run:  python benchmarks/load_sessions.py --n 1 8 16 32 48 --think 5
      python benchmarks/load_sessions.py --n 16 --settings default nogc freeze two --actions 12
      python benchmarks/load_sessions.py --n 16 --settings nogc --minutes 15     (memory over time)

Each simulated official opens `/_stcore/stream` as the browser does, loads the start page, fills in and
submits the "Start a new assessment" form, then answers the questions of each wizard step (text boxes,
radio buttons, select boxes) and clicks Next, pausing `--think` seconds (0.5x-1.5x, at random) between
actions. Widget ids are read from the elements the server sends (an id ends with the widget's key), and every
rerun request carries the widget states and page the browser would send. An action's time runs from sending the
rerun request to the ForwardMsg `script_finished` of the last run it caused (a page switch is two runs).
Afterwards every draft is read back from the store and compared with what its official answered.

Settings (each on its own fresh server process, all against one PostgreSQL cluster):
  default  as configured in .streamlit/config.toml
  gc       runner.postScriptGC = true  (Streamlit's default: a full collection after every rerun)
  nogc     runner.postScriptGC = false
  freeze   postScriptGC on, objects alive after the first run frozen (gc.freeze; benchmarks/app_gc_freeze.py)
  two      two server processes as configured, officials split between them (what sticky sessions amount to)
  two-gc, two-nogc   two processes with runner.postScriptGC = true / false
  profile  nogc under cProfile (benchmarks/app_profile.py): the page code's profile in $PIA_PROFILE_OUT

--roots DIR [DIR ...] serves each setting from each of these checkouts in turn (e.g. an export of the commit
before a change, `git archive REV | tar -x -C DIR`, and this tree), so before and after share the machine's load.

PostgreSQL: a throwaway cluster (initdb/pg_ctl from /usr/lib/postgresql/*/bin) in /tmp, or --db URL.
Prints a markdown table with the `uptime` load average beside every row. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serverkit import free_port, start_server  # noqa: E402

SETTINGS: dict[str, tuple[str, tuple[str, ...], int]] = {
    # name: (script, streamlit options, processes)
    "default": ("app.py", (), 1),
    "gc": ("app.py", ("--runner.postScriptGC", "true"), 1),
    "nogc": ("app.py", ("--runner.postScriptGC", "false"), 1),
    "freeze": ("benchmarks/app_gc_freeze.py", ("--runner.postScriptGC", "true"), 1),
    "two": ("app.py", (), 2),
    "two-gc": ("app.py", ("--runner.postScriptGC", "true"), 2),
    "two-nogc": ("app.py", ("--runner.postScriptGC", "false"), 2),
    "profile": ("benchmarks/app_profile.py", ("--runner.postScriptGC", "false"), 1),
}


# --- the protocol driver --------------------------------------------------------------------------------------


@dataclass
class Widget:
    id: str
    kind: str
    key: str
    options: list[str]
    form: str
    label: str


@dataclass
class Official:
    """One browser tab: its websocket, the page it is on, and the widget values it has set."""

    url: str
    name: str
    ws: Any = None
    page_hash: str = ""
    query: str = ""
    widgets: dict[str, Widget] = field(default_factory=dict)   # key (or label for unkeyed) -> widget on the page
    values: dict[str, Any] = field(default_factory=dict)       # widget id -> WidgetState, as the browser keeps them
    answered: dict[str, Any] = field(default_factory=dict)     # question id -> answer given (text or option label)
    times: list[float] = field(default_factory=list)
    draft: str = ""
    errors: list[str] = field(default_factory=list)

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=2**26,
                                           ping_interval=None, open_timeout=60)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def rerun(self, changed: list[Any] | None = None, trigger: str | None = None) -> float:
        """Send a rerun request (changed widget states + an optional button trigger); seconds until it settled."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        for st_ in changed or []:
            self.values[st_.id] = st_
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_script_hash = self.page_hash
        on_page = {w.id for w in self.widgets.values()}
        for wid, st_ in self.values.items():
            if wid in on_page:
                cs.widget_states.widgets.append(st_)
        if trigger:
            cs.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await self._until_finished()
        return time.perf_counter() - t0

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=300)
            if not isinstance(raw, bytes):
                continue
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "new_session":
                self.widgets = {}
                if fm.new_session.page_script_hash:
                    self.page_hash = fm.new_session.page_script_hash
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string
                for part in self.query.split("&"):
                    if part.startswith("draft="):
                        self.draft = part[len("draft="):]
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                etype = el.WhichOneof("type")
                proto = getattr(el, etype) if etype else None
                wid = getattr(proto, "id", "") if proto is not None else ""
                if wid:
                    key = wid.split("-", 2)[2] if wid.startswith("$$ID-") and wid.count("-") >= 2 else ""
                    options = list(getattr(proto, "options", [])) if etype in ("radio", "selectbox") else []
                    w = Widget(wid, etype, key, options, getattr(proto, "form_id", ""), getattr(proto, "label", ""))
                    self.widgets[key or f"{etype}:{w.label}"] = w
                    self._seed(etype, proto)
                elif etype == "exception":
                    self.errors.append(el.exception.message)
            elif kind == "script_finished":
                if fm.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue   # st.rerun / st.switch_page: the next run follows on its own
                if fm.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    self.errors.append(f"script finished with {fm.script_finished}")
                return

    def _seed(self, etype: str, proto: Any) -> None:
        """Keep the value the browser would now hold for this widget: the one the server set, else its default."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        wid, st_ = proto.id, None
        if etype in ("radio", "selectbox"):
            if proto.set_value and proto.HasField("raw_value"):
                st_ = WidgetState(id=wid, string_value=proto.raw_value)
            elif ((proto.set_value or wid not in self.values) and proto.HasField("default")
                  and 0 <= proto.default < len(proto.options)):
                st_ = WidgetState(id=wid, string_value=proto.options[proto.default])
        elif etype in ("text_input", "text_area"):
            if proto.set_value and proto.HasField("value"):
                st_ = WidgetState(id=wid, string_value=proto.value)
            elif wid not in self.values and proto.HasField("default"):
                st_ = WidgetState(id=wid, string_value=proto.default)
        elif etype == "checkbox" and (proto.set_value or wid not in self.values):
            st_ = WidgetState(id=wid, bool_value=proto.value if proto.set_value else proto.default)
        if st_ is not None:
            self.values[wid] = st_


def _text_state(wid: str, value: str) -> Any:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    return WidgetState(id=wid, string_value=value)


async def official_session(url: str, index: int, actions: int, think: float, rng: random.Random,
                           per_section: int = 3) -> Official:
    """Start an assessment and answer questions step by step until `actions` actions are timed."""
    o = Official(url, f"Load official {index}")
    await o.connect()
    try:
        await o.rerun()                                     # the page loads (not counted: a one-off)
        form = [w for w in o.widgets.values() if w.form == "new_assessment"]
        submit = next(w for w in form if w.kind == "button")
        title, org, who = (o.widgets[k] for k in ("new_title", "new_organisation", "new_prepared_by"))
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        o.times.append(await o.rerun([_text_state(title.id, f"Cameras {index}"),
                                      _text_state(org.id, "Benchmark town"), _text_state(who.id, o.name)],
                                     trigger=submit.id))
        seen: set[str] = set()
        while len(o.times) < actions:
            todo = [w for w in o.widgets.values() if w.key.startswith("w_") and w.key not in seen
                    and w.kind in ("text_input", "text_area", "radio", "selectbox")][:per_section]
            for w in todo:
                if len(o.times) >= actions:
                    break
                seen.add(w.key)
                qid = w.key[2:]
                if w.kind in ("radio", "selectbox"):
                    value = w.options[0]
                else:
                    value = f"Answer of official {index} to {qid}"
                o.answered[qid] = value
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                o.times.append(await o.rerun([_text_state(w.id, value)]))
            nxt = o.widgets.get("next")
            if len(o.times) >= actions or nxt is None:
                break
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            o.times.append(await o.rerun(trigger=nxt.id))
    finally:
        await o.close()
    return o


def check_drafts(db_url: str, officials: list[Official]) -> list[str]:
    """Every official's draft holds exactly what the official answered; problems as one-line messages."""
    from pia.loader import find_questionnaire, load_questionnaire
    from pia.store import Store
    from pia.ui.safe import md
    from pia.ui.widgets import _choice_labels

    problems: list[str] = []
    store = Store(db_url)
    cache: dict[str, Any] = {}
    try:
        for o in officials:
            if o.errors:
                problems.append(f"{o.name}: the app reported {o.errors[:2]}")
            if not o.draft:
                problems.append(f"{o.name}: no draft was opened")
                continue
            if not o.answered:
                problems.append(f"{o.name}: answered nothing (the wizard's widgets were not found)")
            answers, _rev = store.load(o.draft)
            if answers.meta.get("title") != f"Cameras {o.name.rsplit(' ', 1)[1]}":
                problems.append(f"{o.name}: draft {o.draft} has title {answers.meta.get('title')!r}")
            if answers.questionnaire not in cache:
                cache[answers.questionnaire] = load_questionnaire(find_questionnaire(answers.questionnaire))
            q = cache[answers.questionnaire]
            for qid, given in o.answered.items():
                question = q.question(qid)
                got = answers.answers.get(qid)
                if question.type in ("yes_no", "single_choice"):
                    labels = _choice_labels(question, "en")   # as the app draws the options
                    ok = got is not None and given in (labels.get(got), md(labels.get(got, "")))
                else:
                    ok = got == given
                if not ok:
                    problems.append(f"{o.name}: {qid} holds {got!r}, answered {given!r}")
    finally:
        store.dispose()
    return problems


# --- servers and PostgreSQL ------------------------------------------------------------------------------------


def start_postgres() -> tuple[str, Any]:
    """A throwaway PostgreSQL cluster on a free loopback port; returns its URL and a stop function."""
    pgbin = sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]
    data = tempfile.mkdtemp(prefix="pia-load-pg.")
    port = free_port()
    as_pg = os.geteuid() == 0
    if as_pg:
        shutil.chown(data, "postgres")

    def run(cmd: str) -> None:
        argv = ["su", "postgres", "-s", "/bin/sh", "-c", cmd] if as_pg else ["/bin/sh", "-c", cmd]
        subprocess.run(argv, check=True, capture_output=True)

    run(f"{pgbin}/initdb -D {data} -A trust -U postgres")
    run(f"{pgbin}/pg_ctl -D {data} -l {data}/log -o '-p {port} -k /tmp -c listen_addresses=127.0.0.1 "
        f"-c max_connections=300' -w start")

    def stop() -> None:
        try:
            run(f"{pgbin}/pg_ctl -D {data} -m fast stop")
        finally:
            shutil.rmtree(data, ignore_errors=True)

    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", stop


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


@dataclass
class Result:
    setting: str
    n: int
    think: float
    times: list[float]
    problems: list[str]
    load_before: str
    load_after: str
    cpu_ms_per_action: float
    rss: list[tuple[float, float]]   # (minutes, MiB) of the first server

    def row(self) -> str:
        xs = sorted(self.times)
        p95 = xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] if xs else float("nan")
        med = statistics.median(xs) if xs else float("nan")
        drafts = "all intact" if not self.problems else f"{len(self.problems)} problems"
        return (f"| {self.setting} | {self.n} | {self.think:g} s | {len(xs)} | {med * 1000:,.0f} ms | "
                f"{p95 * 1000:,.0f} ms | {self.cpu_ms_per_action:.0f} ms | {self.rss[-1][1]:.0f} MiB | {drafts} | "
                f"{self.load_before} → {self.load_after} |")


HEADER = ("| setting | officials | think | actions | median | p95 | server CPU per action | server RSS after | "
          "drafts | load average before → after |\n|---|---:|---:|---:|---:|---:|---:|---:|---|---|")


async def _drive(urls: list[str], n: int, actions: int, think: float, seed: int,
                 minutes: float, pids: list[int], rss: list[tuple[float, float]]) -> list[Official]:
    rng = random.Random(seed)
    t_start = time.monotonic()
    stop = asyncio.Event()

    async def sampler() -> None:
        while not stop.is_set():
            rss.append(((time.monotonic() - t_start) / 60, rss_mib(pids[0])))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=30)

    async def one(i: int) -> list[Official]:
        await asyncio.sleep(rng.uniform(0, max(think, 0.2)))   # officials arrive spread over one think time
        done: list[Official] = []
        while True:   # with --minutes, an official who finishes starts another assessment
            done.append(await official_session(urls[i % len(urls)], i, actions, think, random.Random(seed + i)))
            if time.monotonic() - t_start >= minutes * 60:
                return done

    task = asyncio.create_task(sampler())
    runs = await asyncio.gather(*(one(i) for i in range(n)))
    stop.set()
    await task
    return [o for r in runs for o in r]


def measure(setting: str, n: int, think: float, actions: int, db_url: str, minutes: float = 0.0,
            seed: int = 1, root: Path = ROOT) -> Result:
    script, args, procs = SETTINGS[setting]
    logdir = Path(tempfile.mkdtemp(prefix="pia-load-log."))
    servers, urls = [], []
    try:
        for k in range(procs):
            port = free_port()
            servers.append(start_server(port, db_url, logdir / f"server{k}.log", root / "questionnaires", args,
                                        script=script, root=root))
            urls.append(f"ws://127.0.0.1:{port}/_stcore/stream")
        pids = [s.pid for s in servers]
        # A server that has been up a while: each process has loaded the questionnaires and drawn every page
        # kind once. Not timed; its drafts are checked with the rest.
        warm = asyncio.run(_drive(urls, len(urls), 4, 0.0, seed + 1000, 0.0, pids, []))
        cpu0 = sum(cpu_seconds(p) for p in pids)
        before = loadavg()
        rss: list[tuple[float, float]] = []
        officials = asyncio.run(_drive(urls, n, actions, think, seed, minutes, pids, rss))
        cpu = sum(cpu_seconds(p) for p in pids) - cpu0
        rss.append((rss[-1][0] if rss else 0.0, rss_mib(pids[0])))
        after = loadavg()
        times = [t for o in officials for t in o.times]
        problems = check_drafts(db_url, warm + officials)
        return Result(setting, n, think, times, problems, before, after,
                      cpu * 1000 / max(len(times), 1), rss)
    finally:
        for s in servers:
            s.terminate()
            try:
                s.wait(timeout=30)
            except subprocess.TimeoutExpired:
                s.kill()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, nargs="+", default=[1, 8, 16, 32, 48], help="officials at once")
    ap.add_argument("--think", type=float, default=5.0, help="seconds between one official's actions (0 = none)")
    ap.add_argument("--actions", type=int, default=12, help="timed actions per official")
    ap.add_argument("--settings", nargs="+", default=["default"], choices=sorted(SETTINGS))
    ap.add_argument("--minutes", type=float, default=0.0, help="keep officials working this long (memory)")
    ap.add_argument("--db", default="", help="SQLAlchemy URL of the store (default: a throwaway PostgreSQL)")
    ap.add_argument("--roots", nargs="+", type=Path, default=[ROOT],
                    help="checkouts of pia to serve, each setting from each in turn (default: this one)")
    opts = ap.parse_args()
    # Stopped with kill: still stop the servers and the PostgreSQL cluster (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    db_url, stop = (opts.db, None) if opts.db else start_postgres()
    try:
        print(HEADER, flush=True)
        memory: list[tuple[str, list[tuple[float, float]]]] = []
        for n in opts.n:
            for setting in opts.settings:   # interleaved, so the settings (and checkouts) share the machine's load
                for root in opts.roots:
                    r = measure(setting, n, opts.think, opts.actions, db_url, opts.minutes, root=root.resolve())
                    if len(opts.roots) > 1:
                        r.setting = f"{setting} ({root})"
                    print(r.row(), flush=True)
                    for p in r.problems[:5]:
                        print(f"    {p}", flush=True)
                    memory.append((f"{r.setting} n={n}", r.rss))
        if opts.minutes:
            print("\nserver RSS over time (minutes: MiB)")
            for name, samples in memory:
                print(f"{name}: " + ", ".join(f"{m:.1f}: {mb:.0f}" for m, mb in samples))
    finally:
        if stop:
            stop()


if __name__ == "__main__":
    main()
