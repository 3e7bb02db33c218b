"""app.py under cProfile: the "profile" setting of load_sessions.py (where a wizard action's CPU goes).

Streamlit runs this file as the app (`streamlit run benchmarks/app_profile.py` from the repository root).
Every run of the page is profiled into one profile kept for the life of the process (this file is executed
afresh each run, so the profile lives on `pia.ui.app`), and written after each run to $PIA_PROFILE_OUT
(pstats format; read with `python -m pstats`). The first $PIA_PROFILE_SKIP runs (default 0) are left out,
e.g. the warm-up official's, whose first run loads the questionnaires. Beside it, `<out>.runs` gets one line per run: the script
thread's CPU seconds, so the page code's share of the server's CPU can be told from Streamlit's own
(protobuf, websocket) work on the other threads. A measurement aid, never the served app.
"""

import cProfile
import os
import runpy
import time
from pathlib import Path

from pia.ui import app as ui_app

prof = getattr(ui_app, "bench_profile", None)
if prof is None:
    prof = ui_app.bench_profile = cProfile.Profile()
out = os.environ.get("PIA_PROFILE_OUT", "/tmp/pia-app.prof")
ui_app.bench_runs = getattr(ui_app, "bench_runs", 0) + 1
on = ui_app.bench_runs > int(os.environ.get("PIA_PROFILE_SKIP", "0"))
cpu0 = time.thread_time()
if on:
    prof.enable()
try:
    runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
finally:
    if on:
        prof.disable()
        prof.dump_stats(out)
    with open(out + ".runs", "a") as f:
        f.write(f"{'profiled' if on else 'skipped'} {time.thread_time() - cpu0:.6f}\n")
