"""`make train`'s promotion gate on a deliberately worse dataset, trained once: the model in
service stays, the editor is told what got worse, and the report's figures are Rasa's own."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.editor.compare import MAX_MACRO_F1_DROP, compare
from bot.editor.in_service import model_in_service as in_service
from bot.editor.model_eval import eval_file, load
from tests.test_editor_validate import copy_project

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Four intents swap their examples round: the data stays valid, the model gets worse.
ROTATION = {"order_status": "cancel_order", "cancel_order": "change_address",
            "change_address": "refund_status", "refund_status": "order_status"}


@pytest.fixture(scope="module")
def worse_run(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("worse"))
    current = in_service(PROJECT_ROOT / "models")
    assert current is not None, "no trained model: run `make train`"
    models = root / "models"
    models.mkdir()
    shutil.copy2(current, models / current.name)
    if eval_file(current).exists():  # make train keeps each promoted model's evaluation beside it
        shutil.copy2(eval_file(current), eval_file(models / current.name))
    for language in ("es", "en", "pt"):  # in every language, or one example would sit under two intents
        path = root / f"data/nlu/{language}/nlu.yml"
        text, swapped = re.subn(r"^- intent: (order_status|cancel_order|change_address|refund_status)$",
                                lambda m: f"- intent: {ROTATION[m.group(1)]}", path.read_text("utf-8"), flags=re.M)
        assert swapped == 4
        path.write_text(text, "utf-8")
    # The gate is under test here, not the pipeline: without the sentence encoder the candidate
    # trains in a third of the time, and it is still a model of the same data.
    config = root / "config.yml"
    config.write_text(re.sub(r"  - name: bot\.nlu\.sentence_encoder\.SentenceEncoderFeaturizer\n    scale: [\d.]+\n", "",
                             config.read_text("utf-8")), "utf-8")
    assert "SentenceEncoderFeaturizer" not in config.read_text("utf-8")
    before = {p.name: (p.stat().st_mtime, p.stat().st_size) for p in models.glob("*.tar.gz")}
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false")
    # `rasa data validate` is left out here: test_project_data.py runs it on the same data.
    result = subprocess.run([sys.executable, "-m", "bot", "train", "--root", str(root), "--skip-rasa-validate"],
                            capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=1500)
    return root, result, before, current.name


def test_a_worse_dataset_keeps_the_model_in_service_and_says_why(worse_run):
    root, result, before, served = worse_run
    output = result.stdout
    assert result.returncode == 1, output[-3000:] + result.stderr[-3000:]
    assert "1/4 Checking the data" in output and "2/4 Training a new model" in output and "training " in output
    assert f"KEPT the model in service ({served}): the new model is worse." in output
    assert re.search(r"'es': intent macro-F1 fell from 0\.\d{3} to 0\.\d{3}", output), output
    worse_line = next(line for line in output.splitlines() if line.strip().startswith("Worse in 'es':"))
    assert sum(intent in worse_line for intent in ROTATION) >= 3, worse_line
    assert "Test examples in 'es' the new model gets wrong and the old one got right:" in output
    assert "should be order_status" in output or "should be cancel_order" in output
    # The model in service is untouched, and the candidate is gone.
    models = root / "models"
    assert {p.name: (p.stat().st_mtime, p.stat().st_size) for p in models.glob("*.tar.gz")} == before
    assert in_service(models).name == served
    assert not list((root / "var" / "candidates").glob("*.tar.gz"))
    outcome = json.loads((models / ".last_train.json").read_text())
    assert outcome["promoted"] is False and outcome["model_in_service"] == served
    # `make train` run again without changes says so (the Makefile's status step).
    status = subprocess.run([sys.executable, "-m", "bot", "train", "--status", "--root", str(root)],
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)), cwd=PROJECT_ROOT)
    assert status.returncode == 1 and "NOT promoted" in status.stdout


def test_the_report_is_written_with_a_picture_per_language(worse_run):
    root = worse_run[0]
    page = root / "reports" / "train.html"
    html = page.read_text("utf-8")
    assert "Kept the previous model" in html and "What got worse" in html
    rejected = load(next((root / "var" / "candidates" / "rejected").glob("*.eval.json")))
    for language, figures in rejected["languages"].items():
        picture = root / "reports" / f"train_confusion_{language}.png"
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and picture.stat().st_size > 10_000
        assert f"<td>{language}</td><td>{figures['examples']}</td><td>{figures['intent_accuracy']:.3f}</td>" \
               f"<td>{figures['intent_macro_f1']:.3f}</td>" in html
        for miss in figures["misclassified"][:3]:
            assert miss["text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#x27;") in html


def test_the_figures_are_rasa_tests_own(worse_run, tmp_path):
    """`rasa test nlu` on the model in service gives the figures the gate stored for it."""
    root, _, _, served = worse_run
    stored = load(eval_file(root / "models" / served))["languages"]["en"]
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "test", "nlu", "--model", str(PROJECT_ROOT / "models" / served),
         "--nlu", "tests/nlu/en.yml", "--out", str(tmp_path), "--no-plot"],
        capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    assert stored["intent_macro_f1"] == pytest.approx(report["macro avg"]["f1-score"], abs=1e-9)
    assert stored["intent_accuracy"] == pytest.approx(report["accuracy"], abs=1e-9)
    for label, row in report.items():
        if isinstance(row, dict) and label not in ("macro avg", "weighted avg", "micro avg"):
            assert stored["per_intent"][label]["f1"] == pytest.approx(row["f1-score"], abs=1e-9), label
            assert stored["per_intent"][label]["support"] == row["support"], label


def test_the_rule_one_point_of_macro_f1_and_every_story():
    def evaluation(f1, failed=()):
        return {"languages": {"es": {"intent_macro_f1": f1, "per_intent": {}, "misclassified": []}},
                "stories": {"total": 3, "passed": 3 - len(failed), "failed": list(failed)}}

    assert compare(evaluation(0.950), evaluation(0.950 - MAX_MACRO_F1_DROP + 0.0005)).promote
    assert not compare(evaluation(0.950), evaluation(0.950 - MAX_MACRO_F1_DROP - 0.0005)).promote
    assert not compare(evaluation(0.950), evaluation(0.990, failed=["es greet"])).promote
    assert compare(None, evaluation(0.5)).promote  # nothing in service: anything is better than nothing
    new_language = evaluation(0.95)
    new_language["languages"]["fr"] = {"intent_macro_f1": 0.4, "per_intent": {}, "misclassified": []}
    assert compare(evaluation(0.95), new_language).promote  # a new language has no figure to fall from
