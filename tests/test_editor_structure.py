"""The editor's modules import each other without a cycle (imports inside functions count), and
one macro-F1 and one "model in service" hold everywhere."""
from __future__ import annotations

import ast
import json
import os
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = {f"bot.editor.{p.stem}": p for p in (ROOT / "bot" / "editor").glob("*.py") if p.stem != "__init__"}
MODULES["bot.evaluation"] = ROOT / "bot" / "evaluation.py"


def _imports(path: Path) -> set:
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found & set(MODULES)


def test_no_import_cycle_between_the_editor_and_the_evaluation():
    graph = {name: _imports(path) for name, path in MODULES.items()}
    done, active = set(), []

    def visit(name):
        if name in active:
            pytest.fail("import cycle: " + " -> ".join(active[active.index(name):] + [name]))
        if name in done:
            return
        active.append(name)
        for other in graph[name]:
            visit(other)
        active.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_a_stored_evaluation_is_compared_with_todays_macro_f1(tmp_path):
    from bot.editor.metrics import macro_f1
    from bot.editor.model_eval import load

    predictions = [{"intent": "a", "predicted": "a"}, {"intent": "b", "predicted": "nlu_fallback"},
                   {"intent": "b", "predicted": "b"}]
    stored = tmp_path / "m.eval.json"
    stored.write_text(json.dumps({"languages": {"es": {"intent_macro_f1": 0.1, "predictions": predictions}}}))
    assert load(stored)["languages"]["es"]["intent_macro_f1"] == pytest.approx(
        macro_f1(["a", "b", "b"], ["a", "nlu_fallback", "b"]))


def test_the_model_in_service_is_the_one_rasa_loads(tmp_path):
    from rasa.model import get_latest_model

    from bot.editor.in_service import model_in_service

    assert model_in_service(tmp_path) is None and model_in_service(tmp_path / "missing") is None
    older, newer = tmp_path / "20260101-000000.tar.gz", tmp_path / "19990101-000000.tar.gz"
    older.write_text("x")
    newer.write_text("x")
    now = time.time()
    os.utime(older, (now - 60, now - 60))  # the names sort the other way: the time decides
    assert model_in_service(tmp_path) == newer == Path(get_latest_model(str(tmp_path)))
