"""`make train`: validate, train, evaluate, and promote the new model only if it is no worse.

1. validate: the project's own checks (bot/editor/validate.py), then `rasa data validate`;
2. train a candidate into var/candidates/ (not models/: the newest model there is the one served);
3. evaluate it on the test split and the test stories (bot/editor/model_eval.py);
4. compare with the model in service (its evaluation is kept beside it, models/<name>.eval.json)
   and move the candidate into models/ only if no language's macro-F1 drops by more than one
   point and every test story passes (bot/editor/compare.py). No model in service: promote.

Exit status: 0 promoted, 1 kept the old model, 2 the data has problems (nothing was trained),
3 Rasa failed to train or evaluate (the model in service is untouched).
The outcome is written to models/.last_train.json and the report to reports/train.html.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import List, Optional

from bot.editor import compare, model_eval, validate
from bot.editor.in_service import model_in_service
from bot.editor.report import write_html

CODE_ROOT = Path(__file__).resolve().parents[2]
PROMOTED, KEPT, INVALID, FAILED = 0, 1, 2, 3
LAST_TRAIN = ".last_train.json"


def _rasa() -> str:
    return str(Path(sys.executable).parent / "rasa")


def _env() -> dict:
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE_ROOT), env.get("PYTHONPATH")]))
    return env


def run_validation(root: Path, rasa_validate: bool = True) -> bool:
    print("1/4 Checking the data …", flush=True)
    started = time.monotonic()
    problems = validate.problems(root)
    if problems:
        print(validate.report(problems))
        return False
    if rasa_validate:
        result = subprocess.run([_rasa(), "data", "validate"], cwd=root, env=_env(), capture_output=True, text=True)
        if result.returncode != 0:
            output = result.stdout + result.stderr
            lines = [line.strip() for line in output.splitlines()
                     if re.search(r"error|invalid|not found|could not", line, re.IGNORECASE) and "Traceback" not in line]
            print("`rasa data validate` found problems:")
            print("\n".join(f"  ✗ {line}" for line in (lines or output.strip().splitlines()[-10:])[:30]))
            return False
    print(f"  the data is valid ({time.monotonic() - started:.0f} s)", flush=True)
    return True


def train_candidate(root: Path, candidates: Path) -> Path:
    """`rasa train` into var/candidates/, showing which component it is training."""
    candidates.mkdir(parents=True, exist_ok=True)
    name = time.strftime("%Y%m%d-%H%M%S")
    print("2/4 Training a new model …", flush=True)
    started = time.monotonic()
    process = subprocess.Popen(
        [_rasa(), "train", "--out", str(candidates), "--fixed-model-name", name],
        cwd=root, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    tail: List[str] = []
    for line in process.stdout or []:
        tail = (tail + [line])[-40:]
        step = re.search(r"Starting to train component '(\w+)'", line)
        if step:
            print(f"  [{time.monotonic() - started:5.0f} s] training {step.group(1)}", flush=True)
        elif "Restored component" in line:
            component = re.search(r"Restored component '(\w+)'", line)
            print(f"  [{time.monotonic() - started:5.0f} s] unchanged, reused: {component.group(1) if component else '…'}", flush=True)
    if process.wait() != 0:
        raise RuntimeError("rasa train failed:\n" + "".join(tail))
    model = candidates / f"{name}.tar.gz"
    print(f"  trained in {time.monotonic() - started:.0f} s", flush=True)
    return model


def promote(candidate: Path, evaluation_file: Path, models_dir: Path) -> Path:
    models_dir.mkdir(parents=True, exist_ok=True)
    target = models_dir / candidate.name
    shutil.move(str(candidate), target)
    shutil.move(str(evaluation_file), model_eval.eval_file(target))
    os.utime(target)  # the newest in models/ is the one served
    return target


def main(root: Path, models_dir: Optional[Path] = None, candidates: Optional[Path] = None,
         reports: Optional[Path] = None, stamp: Optional[Path] = None, rasa_validate: bool = True) -> int:
    root = Path(root).resolve()
    models_dir = Path(models_dir or root / "models").resolve()
    candidates = Path(candidates or root / "var" / "candidates").resolve()
    reports = Path(reports or root / "reports").resolve()
    os.chdir(root)  # the pipeline's components read data/nlu relative to the working directory
    warnings.filterwarnings("ignore")  # libraries' deprecation notes are not for editors
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # nor TensorFlow's start-up lines
    started = time.monotonic()
    if not run_validation(root, rasa_validate):
        print("Nothing was trained; the model in service is unchanged. Fix the problems above and run make train again.")
        return INVALID
    try:
        candidate = train_candidate(root, candidates)
        print("3/4 Evaluating the new model …", flush=True)
        step = time.monotonic()
        new = model_eval.evaluate_model(candidate, root)
    except Exception as error:  # Rasa's own failure: say it plainly, keep the model in service
        print(f"Training or evaluation failed; the model in service is unchanged.\n{error}")
        return FAILED
    print(f"  evaluated in {time.monotonic() - step:.0f} s", flush=True)
    new_eval_file = model_eval.eval_file(candidate)
    model_eval.save(new, new_eval_file)

    print("4/4 Comparing with the model in service …", flush=True)
    current = model_in_service(models_dir)
    old = None
    if current is not None:
        old_eval_file = model_eval.eval_file(current)
        if old_eval_file.exists():
            old = model_eval.load(old_eval_file)
        else:
            print(f"  {current.name} has no stored evaluation: evaluating it once …", flush=True)
            old = model_eval.evaluate_model(current, root)
            model_eval.save(old, old_eval_file)
    decision = compare.compare(old, new)
    report = write_html(reports / "train.html", "make train: the new model against the one in service",
                        new, old, decision, in_service=current.name if current else None)
    served: Optional[Path]
    if decision.promote:
        served = promote(candidate, new_eval_file, models_dir)
    else:
        served = current
        rejected = candidates / "rejected"
        rejected.mkdir(exist_ok=True)
        shutil.move(str(new_eval_file), rejected / new_eval_file.name)
        candidate.unlink()
    print(compare.explain(decision, current.name if current else None))
    print(f"Model in service: {served.relative_to(root) if served and served.is_relative_to(root) else served}")
    print(f"Report: {report}  ({time.monotonic() - started:.0f} s in all)")
    outcome = {"promoted": decision.promote, "model_in_service": served.name if served else None,
               "candidate": candidate.name, "reasons": decision.reasons, "report": str(report),
               "at": time.strftime("%Y-%m-%d %H:%M:%S")}
    (models_dir / LAST_TRAIN).write_text(json.dumps(outcome, indent=1), "utf-8")
    if stamp is not None:
        Path(stamp).touch()  # the data was trained on: make won't retrain it until it changes
    return PROMOTED if decision.promote else KEPT


def status(models_dir: Path) -> int:
    """After `make train` found nothing to do: what the last training decided."""
    last = models_dir / LAST_TRAIN
    if not last.exists():
        current = model_in_service(models_dir)
        print(f"Model in service: {current.name if current else 'none'}")
        return 0
    outcome = json.loads(last.read_text("utf-8"))
    if outcome["promoted"]:
        print(f"Model in service: {outcome['model_in_service']} (promoted {outcome['at']}).")
        return 0
    print(f"The last changes were NOT promoted ({outcome['at']}): " + "; ".join(outcome["reasons"]))
    print(f"Model in service: {outcome['model_in_service']}. Report: {outcome['report']}. "
          "Change the data and run make train again.")
    return KEPT
