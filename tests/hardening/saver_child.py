"""Child process for the kill-mid-save test: saves revisions of one draft until it is killed.

Usage: python saver_child.py URL SCHEMA DRAFT_ID SEED
(SCHEMA is "-" for SQLite.) Prints "ready" once set up, then "saved N" after
each save() has returned — the parent's record of what the store promised.
Each revision's long answer starts with "revision N:" so the parent can check
that every stored revision holds exactly what was saved under its number.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pia.loader import load_questionnaire  # noqa: E402
from pia.store import Store  # noqa: E402

INSTRUMENT = ROOT / "questionnaires" / "camera-hria" / "camera_hria.yaml"


def content_for(number: int, seed: int) -> str:
    """The long answer saved as revision `number` (big enough that a write takes a while)."""
    rnd = random.Random(seed * 100_003 + number)
    words = ["camera", "square", "retention", "council", "privacy", "notice", "review", "Ω", "é", "数据"]
    return f"revision {number}: " + " ".join(rnd.choice(words) for _ in range(rnd.randint(200, 2500)))


def main() -> None:
    url, schema, draft_id, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    engine = None
    if schema != "-":
        from sqlalchemy import create_engine

        engine = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    store = Store(url, engine=engine)
    q = load_questionnaire(INSTRUMENT)
    answers, rev = store.load(draft_id)
    head = rev.number
    print("ready", flush=True)
    while True:
        number = head + 1
        answers = answers.with_answer("system_description", content_for(number, seed))
        answers = answers.with_answer("camera_count", number)
        head = store.save(draft_id, answers, head, author="saver", note=f"loop {number}", q=q)
        assert head == number
        print(f"saved {head}", flush=True)


if __name__ == "__main__":
    main()
