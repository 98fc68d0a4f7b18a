"""One model's figures on the project's test split and test stories, per language and per intent.

The intent figures are Rasa's own (`rasa.nlu.test.run_evaluation`, what `rasa test nlu` runs),
so they match `rasa test nlu --nlu tests/nlu/<language>.yml`, except macro-F1, which is
bot/editor/metrics.py's (scikit-learn's, over the gold labels: the figure `make eval` and the
README report), computed from Rasa's predictions. FAQ answers and language identification come
from metrics.py's score.
The test stories are run with `rasa test core`, as tests/test_rasa_stories.py does.
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

import yaml

from bot.editor.metrics import macro_f1, score
from bot.languages import supported_languages


def evaluate_model(model: Path, root: Path, progress=print) -> dict:
    """Everything the gate and the report need to know about one trained model."""
    started = time.monotonic()
    languages = {}
    progress("  scoring the test split (tests/nlu/) …")
    noise = io.StringIO()  # libraries' deprecation warnings and progress bars: not for editors
    try:
        with contextlib.redirect_stderr(noise):
            nlu = asyncio.run(_evaluate_nlu(model, root))
    except Exception:
        sys.stderr.write(noise.getvalue()[-5000:])
        raise
    for language, figures in nlu.items():
        languages[language] = figures
    progress("  running the test stories (tests/stories/) …")
    stories = run_test_stories(model, root)
    return {
        "model": model.name,
        "evaluated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(time.monotonic() - started, 1),
        "languages": languages,
        "stories": stories,
    }


async def _evaluate_nlu(model: Path, root: Path) -> Dict[str, dict]:
    import logging
    import warnings

    with warnings.catch_warnings():  # the libraries' deprecation notes are not for editors
        warnings.simplefilter("ignore")
        from rasa.core.agent import Agent
        from rasa.nlu.test import run_evaluation
        from rasa.utils.log_utils import configure_structlog

        import matplotlib  # the report's pictures: imported here so that it warns nowhere

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401

    logging.getLogger("rasa").setLevel(logging.WARNING)
    configure_structlog(logging.WARNING)  # no debug line per parsed message
    warnings.filterwarnings("ignore")  # sklearn's "ill-defined F-score" for labels never predicted
    agent = Agent.load(str(model))
    results = {}
    for language in supported_languages(root):
        test_file = root / "tests" / "nlu" / f"{language}.yml"
        if not test_file.exists():
            continue
        rasa_result = await run_evaluation(
            str(test_file), agent.processor, report_as_dict=True, disable_plotting=True,
            domain_path=str(root / "domain.yml"),
        )
        intents = rasa_result["intent_evaluation"]
        report = intents["report"]
        per_intent = {
            label: {"precision": row["precision"], "recall": row["recall"], "f1": row["f1-score"],
                    "support": row["support"], "confused_with": row.get("confused_with", {})}
            for label, row in report.items() if isinstance(row, dict) and label not in ("macro avg", "weighted avg", "micro avg")
        }
        selection = rasa_result.get("response_selection_evaluation") or {}
        per_faq = {
            label: {"precision": row["precision"], "recall": row["recall"], "f1": row["f1-score"], "support": row["support"]}
            for label, row in (selection.get("report") or {}).items()
            if isinstance(row, dict) and "/" in label
        }
        # Ours, for the FAQ key and the language of every example (the same parses Rasa made).
        from bot.nlu.training_files import examples_in_file

        examples = list(examples_in_file(test_file))
        parses = [await agent.parse_message(text) for _, text in examples]
        ours = score({language: examples}, {language: parses})[language]
        predictions = [{"text": p["text"], "intent": p["intent"], "predicted": p["predicted"] or "",
                        "confidence": p["confidence"]} for p in intents["predictions"]]
        results[language] = {
            "examples": len(predictions),
            "intent_accuracy": intents["accuracy"],
            "intent_macro_f1": intent_macro_f1(predictions),
            "intent_weighted_f1": intents["f1_score"],
            "faq_selection_accuracy": ours["faq_selection_accuracy"],
            "language_id_accuracy": ours["language_id_accuracy"],
            "per_intent": per_intent,
            "per_faq": per_faq,
            "predictions": predictions,
            "misclassified": ours["misclassified"],
        }
    return results


def run_test_stories(model: Path, root: Path) -> dict:
    """`rasa test core` on tests/stories/: which test stories pass."""
    names = []
    for path in sorted((root / "tests" / "stories").glob("*.yml")):
        document = yaml.safe_load(path.read_text("utf-8")) or {}
        names += [s.get("story") for s in document.get("stories") or [] if s.get("story")]
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")]))
        result = subprocess.run(
            [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", str(model),
             "--stories", "tests/stories", "--out", out],
            cwd=root, env=env, capture_output=True, text=True, timeout=900,
        )
        failed_file = Path(out) / "failed_test_stories.yml"
        failed_text = failed_file.read_text("utf-8") if failed_file.exists() else ""
    if result.returncode != 0:
        return {"total": len(names), "passed": 0, "failed": names, "error": (result.stdout + result.stderr)[-2000:]}
    failed = []
    if "story:" in failed_text:
        document = yaml.safe_load(failed_text) or {}
        failed = [s.get("story") for s in document.get("stories") or []]
    return {"total": len(names), "passed": len(names) - len(failed), "failed": failed}


def save(evaluation: dict, path: Path) -> None:
    path.write_text(json.dumps(evaluation, indent=1, ensure_ascii=False), "utf-8")


def intent_macro_f1(predictions: List[dict]) -> float:
    return macro_f1([p["intent"] for p in predictions], [p["predicted"] for p in predictions])


def load(path: Path) -> dict:
    """A stored evaluation, its macro-F1 recomputed from its predictions: one kept by an older
    version (Rasa's "macro avg", over predicted labels too) compares with a new one like for like."""
    evaluation = json.loads(path.read_text("utf-8"))
    for figures in (evaluation.get("languages") or {}).values():
        if figures.get("predictions"):
            figures["intent_macro_f1"] = intent_macro_f1(figures["predictions"])
    return evaluation


def eval_file(model: Path) -> Path:
    """Where a model's evaluation is kept: beside it, `<name>.eval.json`."""
    return model.with_name(model.name[: -len(".tar.gz")] + ".eval.json")


def failing_story_names(evaluation: dict) -> List[str]:
    return list((evaluation.get("stories") or {}).get("failed") or [])
