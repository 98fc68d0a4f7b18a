"""`make eval`: how well the bot understands, per language, on two held-out test splits.

Trains our pipeline (config.yml) and Rasa's stock `rasa init` pipeline (tests/eval/stock_config.yml)
on the same data, parses every example of both splits with each model, and reports per split and
language: intent accuracy and macro-F1, FAQ answer selection accuracy, language identification
accuracy, expected calibration error, the share answered wrongly with a confidence at or above
the fallback threshold, training time. Writes reports/eval.json and reports/eval.md.

The splits: `own` (tests/nlu/<lang>.yml, written like the training data) and `style-shifted`
(tests/nlu/shifted/<lang>.yml, written from other personas, lengths and registers).

It also writes reports/eval.html, the page for editors (bot/editor/report.py): our model's
figures per language and per intent as `rasa test nlu` computes them, a confusion matrix per
language, the misclassified test examples, the test stories, and the comparison with the model
in service (models/, whose evaluation `make train` keeps beside it).
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

from bot.editor.metrics import score
from bot.nlu.training_files import examples_in_file
from bot.settings import PROJECT_ROOT

TEST_DIR = PROJECT_ROOT / "tests" / "nlu"
SPLITS = {"own": TEST_DIR, "style-shifted": TEST_DIR / "shifted"}
REPORT_DIR = PROJECT_ROOT / "reports"
STOCK_CONFIG = PROJECT_ROOT / "tests" / "eval" / "stock_config.yml"
EVAL_MODELS = PROJECT_ROOT / "var" / "eval_models"


def load_test_split(directory: Path = TEST_DIR) -> Dict[str, List[Tuple[str, str]]]:
    """language -> [(intent or faq/<key>, text)] from <directory>/<language>.yml."""
    return {path.stem: list(examples_in_file(path)) for path in sorted(Path(directory).glob("*.yml"))}


def fallback_threshold(config_path: Path = PROJECT_ROOT / "config.yml") -> float:
    """The FallbackClassifier's threshold in config.yml: below it the bot asks "did you mean…?"."""
    import yaml

    config = yaml.safe_load(config_path.read_text("utf-8")) or {}
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.3


async def _parse_all(model_path: Path, examples: Dict[str, List[Tuple[str, str]]]) -> Dict[str, List[dict]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))
    parses: Dict[str, List[dict]] = {}
    for language, items in examples.items():
        parses[language] = [await agent.parse_message(text) for _, text in items]
    return parses


def train(config: Path, output: Path) -> Tuple[Path, float]:
    output.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "--config", str(config), "--out", str(output),
         "--fixed-model-name", config.stem, "--force", "--quiet"],
        cwd=PROJECT_ROOT, check=True,
    )
    return output / f"{config.stem}.tar.gz", time.monotonic() - started


def load_splits() -> Dict[str, Dict[str, List[Tuple[str, str]]]]:
    return {name: load_test_split(directory) for name, directory in SPLITS.items()}


def evaluate(config: Path, splits) -> dict:
    model, seconds = train(config, EVAL_MODELS)
    return score_model(model, config, splits, seconds)


def score_model(model: Path, config: Path, splits, train_seconds: float) -> dict:
    threshold = fallback_threshold(config)
    scored = {name: score(examples, asyncio.run(_parse_all(model, examples)), threshold) for name, examples in splits.items()}
    return {"train_seconds": round(train_seconds, 1), "fallback_threshold": threshold, "splits": scored,
            "languages": scored["own"], "model_path": str(model)}


def evaluate_stock(splits) -> dict:
    """Rasa's stock pipeline, from make bench's cache of it (var/bench/, keyed by the data): it
    takes over half an hour to train here, so both commands train it once per data change."""
    from bench.stock_model import ensure_stock_model

    trained = ensure_stock_model()
    return dict(score_model(Path(trained["model"]), STOCK_CONFIG, splits, trained["train_s"]),
                train_cached=trained["cached"])


def editor_report(model: Path) -> Path:
    """reports/eval.html: the freshly trained model beside the one in service."""
    from bot.editor import compare, model_eval
    from bot.editor.in_service import model_in_service
    from bot.editor.report import write_html

    new = model_eval.evaluate_model(model, PROJECT_ROOT)
    current = model_in_service(PROJECT_ROOT / "models")
    old = None
    if current is not None:
        stored = model_eval.eval_file(current)
        old = model_eval.load(stored) if stored.exists() else model_eval.evaluate_model(current, PROJECT_ROOT)
    decision = compare.compare(old, new)
    page = write_html(REPORT_DIR / "eval.html", "make eval: how well the bot understands", new, old, decision,
                      in_service=current.name if current else None)
    (REPORT_DIR / "eval_editor.json").write_text(
        json.dumps({"new": new, "in_service": old, "comparison": decision.as_dict()}, indent=1, ensure_ascii=False), "utf-8")
    print(compare.explain(decision, current.name if current else None, hypothetical=True))
    return page


def _figure(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def markdown(results: Dict[str, dict]) -> str:
    lines = ["# NLU evaluation (held-out test splits: tests/nlu/ and tests/nlu/shifted/)", ""]
    lines.append("| pipeline | split | language | examples | intent accuracy | intent macro-F1 | FAQ selection | "
                 "language id | calibration error | wrong & confident | training |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, result in results.items():
        for split, languages in result["splits"].items():
            for language, figures in languages.items():
                lines.append(
                    f"| {name} | {split} | {language} | {figures['examples']} | {figures['intent_accuracy']:.3f} | "
                    f"{figures['intent_macro_f1']:.3f} | {_figure(figures['faq_selection_accuracy'])} | "
                    f"{_figure(figures['language_id_accuracy'])} | {figures['expected_calibration_error']:.3f} | "
                    f"{figures['wrong_and_confident']:.3f} | {result['train_seconds']} s |"
                )
    ours = results.get("ours")
    if ours:
        lines += ["", f"Wrong & confident: answered wrongly with a confidence of at least the fallback threshold "
                      f"({ours['fallback_threshold']}).", "", "## Misclassified by our pipeline", ""]
        for split, languages in ours["splits"].items():
            for language, figures in languages.items():
                for miss in figures["misclassified"]:
                    lines.append(f"- `{split}` `{language}` {miss['text']!r}: expected `{miss['expected']}`, got `{miss['predicted']}`")
    return "\n".join(lines) + "\n"


def main(skip_stock: bool = False) -> int:
    examples = load_splits()
    results = {"ours": evaluate(PROJECT_ROOT / "config.yml", examples)}
    REPORT_DIR.mkdir(exist_ok=True)
    page = editor_report(Path(results["ours"]["model_path"]))
    if not skip_stock:
        results["stock"] = evaluate_stock(examples)
    (REPORT_DIR / "eval.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), "utf-8")
    report = markdown(results)
    (REPORT_DIR / "eval.md").write_text(report, "utf-8")
    print(report.split("\n## ")[0])
    print(f"Full report: {REPORT_DIR / 'eval.md'}; for editors: {page}")
    return 0
