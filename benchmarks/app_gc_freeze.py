"""app.py with the objects alive after the first run frozen (gc.freeze): the "freeze" setting of load_sessions.py.

Streamlit runs this file as the app (`streamlit run benchmarks/app_gc_freeze.py` from the repository root).
The first run loads the questionnaires; freezing then moves them out of every later collection's way.
"""

import gc
import runpy
from pathlib import Path

from pia.ui import app as ui_app

runpy.run_path(str(Path(__file__).resolve().parent.parent / "app.py"), run_name="__main__")
if not getattr(ui_app, "gc_frozen", False):   # once per process: later garbage must stay collectable
    gc.collect()
    gc.freeze()
    ui_app.gc_frozen = True
