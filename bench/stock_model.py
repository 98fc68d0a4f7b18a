"""Rasa's stock `rasa init` pipeline and policies (tests/eval/stock_config.yml) trained on our data:
the baseline of `make bench`. Training it takes about half an hour here, so the model is cached
outside git in var/bench/, keyed by a hash of everything it is trained from; a rerun with the
same data reuses it, and a change to the data or the config trains a new one."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import PROJECT_ROOT

STOCK_CONFIG = PROJECT_ROOT / "tests" / "eval" / "stock_config.yml"
CACHE_DIR = PROJECT_ROOT / "var" / "bench"


def training_files() -> list:
    data = sorted(p for p in (PROJECT_ROOT / "data").rglob("*.yml"))
    return [STOCK_CONFIG, PROJECT_ROOT / "domain.yml", *data]


def training_key() -> str:
    digest = hashlib.sha256()
    for path in training_files():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path() -> Path:
    return CACHE_DIR / f"stock-{training_key()}.tar.gz"


def metadata_path() -> Path:
    return CACHE_DIR / f"stock-{training_key()}.json"


def ensure_stock_model(log=print) -> dict:
    """The cached stock model and how long it took to train; trains it if missing."""
    model, meta = model_path(), metadata_path()
    if model.exists() and meta.exists():
        return dict(json.loads(meta.read_text()), model=str(model), cached=True)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    log(f"training Rasa's stock pipeline on our data into {model} (about 30 minutes on 2 cores; cached afterwards)")
    started = time.monotonic()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "--config", str(STOCK_CONFIG), "--force",
         "--out", str(CACHE_DIR), "--fixed-model-name", model.name[: -len(".tar.gz")], "--quiet"],
        cwd=PROJECT_ROOT, check=True, stdout=subprocess.DEVNULL,
    )
    figures = {"train_s": round(time.monotonic() - started, 1), "trained_at": time.strftime("%Y-%m-%d %H:%M:%S")}
    meta.write_text(json.dumps(figures))
    return dict(figures, model=str(model), cached=False)


if __name__ == "__main__":
    print(json.dumps(ensure_stock_model()))
