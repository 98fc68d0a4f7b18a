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
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

from bot.nlu.training_files import examples_in_file
from bot.settings import PROJECT_ROOT

TEST_DIR = PROJECT_ROOT / "tests" / "nlu"
SPLITS = {"own": TEST_DIR, "style-shifted": TEST_DIR / "shifted"}
CALIBRATION_BINS = 10
REPORT_DIR = PROJECT_ROOT / "reports"
STOCK_CONFIG = PROJECT_ROOT / "tests" / "eval" / "stock_config.yml"
EVAL_MODELS = PROJECT_ROOT / "var" / "eval_models"


def load_test_split(directory: Path = TEST_DIR) -> Dict[str, List[Tuple[str, str]]]:
    """language -> [(intent or faq/<key>, text)] from <directory>/<language>.yml."""
    return {path.stem: list(examples_in_file(path)) for path in sorted(Path(directory).glob("*.yml"))}


def macro_f1(gold: List[str], predicted: List[str]) -> float:
    """scikit-learn's macro-F1 over the labels of the gold standard."""
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)) if gold else 0.0


def fallback_threshold(config_path: Path = PROJECT_ROOT / "config.yml") -> float:
    """The FallbackClassifier's threshold in config.yml: below it the bot asks "did you mean…?"."""
    import yaml

    config = yaml.safe_load(config_path.read_text("utf-8")) or {}
    for component in config.get("pipeline") or []:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return 0.3


def calibration_error(confidences: List[float], correct: List[bool], bins: int = CALIBRATION_BINS) -> float:
    """Expected calibration error: |accuracy - mean confidence| per confidence bin, weighted by
    the bin's share of the messages (0 = a confidence of 0.8 is right 80 % of the time)."""
    total, error = len(confidences), 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [i for i, c in enumerate(confidences) if low < c <= high or (b == 0 and c == 0)]
        if members:
            accuracy = sum(correct[i] for i in members) / len(members)
            confidence = sum(confidences[i] for i in members) / len(members)
            error += len(members) / total * abs(accuracy - confidence)
    return error


def answered_with(parse: dict) -> Tuple[str, float]:
    """What the bot would act on and how sure it was: the top intent (the FAQ key for faq) and
    its confidence, looking past nlu_fallback to the intent it overrode."""
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    top = ranking[0] if ranking else (parse.get("intent") or {})
    intent, faq, _ = predicted_labels({**parse, "intent": top})
    return (faq or intent), float(top.get("confidence") or 0.0)


def predicted_labels(parse: dict) -> Tuple[str, str, str]:
    """(intent, faq key or '', language or '') from a parse result."""
    intent = (parse.get("intent") or {}).get("name") or ""
    faq = ""
    if intent == "faq":
        # A ResponseSelector trained without `retrieval_intent` (Rasa's stock config) answers under "default".
        selectors = parse.get("response_selector") or {}
        selected = selectors.get("faq") or selectors.get("default") or {}
        faq = (selected.get("response") or {}).get("intent_response_key") or ""
    language = next((e["value"] for e in parse.get("entities") or [] if e.get("entity") == "language"), "")
    return intent, faq, language


def score(examples: Dict[str, List[Tuple[str, str]]], parses: Dict[str, List[dict]], threshold: float = 0.3) -> dict:
    """Per-language figures from gold examples and the model's parse results."""
    report = {}
    for language, items in examples.items():
        answers = [answered_with(p) for p in parses[language]]
        right = [answer == (gold if gold.startswith("faq/") else gold.split("/")[0]) for (gold, _), (answer, _) in zip(items, answers)]
        acted_on = [p.get("intent", {}).get("name") != "nlu_fallback" and c >= threshold for p, (_, c) in zip(parses[language], answers)]
        gold_intents, predicted_intents, faq_hits, faq_total, language_hits = [], [], 0, 0, 0
        misclassified = []
        detects_language = any(predicted_labels(p)[2] for p in parses[language])
        for (gold, text), parse in zip(items, parses[language]):
            intent, faq, detected = predicted_labels(parse)
            gold_intent = gold.split("/")[0]
            gold_intents.append(gold_intent)
            predicted_intents.append(intent)
            if gold.startswith("faq/"):
                faq_total += 1
                faq_hits += faq == gold
            language_hits += detected == language
            if intent != gold_intent or (gold.startswith("faq/") and faq != gold):
                misclassified.append({"text": text, "expected": gold, "predicted": faq or intent})
        per_intent = defaultdict(lambda: [0, 0])
        for g, p in zip(gold_intents, predicted_intents):
            per_intent[g][1] += 1
            per_intent[g][0] += g == p
        report[language] = {
            "examples": len(items),
            "intent_accuracy": sum(g == p for g, p in zip(gold_intents, predicted_intents)) / len(items),
            "intent_macro_f1": macro_f1(gold_intents, predicted_intents),
            "faq_selection_accuracy": faq_hits / faq_total if faq_total else None,
            # None when the pipeline has no language detection at all (Rasa's stock one)
            "language_id_accuracy": language_hits / len(items) if detects_language else None,
            "expected_calibration_error": calibration_error([c for _, c in answers], right),
            # answered (not "did you mean…?"), and wrongly: the mistakes a customer notices
            "wrong_and_confident": sum(a and not r for a, r in zip(acted_on, right)) / len(items),
            "per_intent_recall": {k: v[0] / v[1] for k, v in sorted(per_intent.items())},
            "misclassified": misclassified,
        }
    return report


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
    from bot.editor.gate import in_service
    from bot.editor.report import write_html

    new = model_eval.evaluate_model(model, PROJECT_ROOT)
    current = in_service(PROJECT_ROOT / "models")
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
