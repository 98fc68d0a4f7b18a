"""Where a turn's time goes in the Rasa server: py-spy samples a running server while a few
conversations play, and the samples are summed by stage of Rasa's message handling."""
from __future__ import annotations

import collections
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

# first matching frame (innermost stage wins: checked from the innermost frame outwards)
STAGES: List[Tuple[str, str]] = [
    ("tracker store: save (SQL insert, commit)", r"save \((rasa/core/tracker_store|bot/rasa_ext/tracker_store)"),
    ("tracker store: retrieve (SQL query, events to tracker)", r"retrieve \((rasa/core/tracker_store|bot/rasa_ext/tracker_store)"),
    ("event broker (RabbitMQ)", r"(publish_and_wait|_publish) \("),
    ("custom actions: HTTP call + response check", r"run \(rasa/core/actions/action.py"),
    ("forms: slot validation via the action server", r"validate_slots \(rasa/core/actions/forms.py"),
    ("NLU pipeline (language, features, classifiers, keywords)", r"_parse_message_with_graph \("),
    ("policies: predicting the next action", r"_predict_next_with_tracker \("),
    ("lock store (Redis)", r"lock_store.py"),
]


def categorize(frames: List[str]) -> str:
    for frame in reversed(frames):
        for name, pattern in STAGES:
            if re.search(pattern, frame):
                return name
    return "other (event loop, Rasa bookkeeping)"


def record(pid: int, out: Path, play: Callable[[], object], rate: int = 250) -> Dict[str, object]:
    spy = Path(sys.executable).parent / "py-spy"
    raw = out.with_suffix(".raw.txt")
    process = subprocess.Popen([str(spy), "record", "-p", str(pid), "--subprocesses", "-r", str(rate), "-f", "raw",
                                "-o", str(raw), "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        play()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    return summarize(raw, out)


def summarize(raw: Path, out: Path) -> Dict[str, object]:
    stages: Dict[str, int] = collections.Counter()
    frames_total: Dict[str, int] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n, frames = int(count), stack.split(";")
        if not any("handle_message (rasa/core/processor.py" in f for f in frames):
            continue  # idle loop, model loading, health checks
        total += n
        stages[categorize(frames)] += n
        for frame in set(re.sub(r":\d+\)", ")", f) for f in frames):
            frames_total[frame] += n
    lines = ["Where the Rasa server spends a turn (py-spy samples inside MessageProcessor.handle_message)", ""]
    share = {name: round(100 * n / total, 1) for name, n in stages.most_common()} if total else {}
    lines += [f"{pct:5.1f}%  {name}" for name, pct in share.items()]
    lines += ["", "Heaviest functions (inclusive):"]
    lines += [f"{100 * n / total:5.1f}%  {frame[:150]}" for frame, n in frames_total.most_common(45)] if total else []
    out.write_text("\n".join(lines) + "\n")
    return {"samples": total, "stages_pct": share, "file": str(out)}
