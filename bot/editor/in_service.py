"""The model in service: the one a Rasa server started on models/ loads. One definition, Rasa's
own (`rasa.model.get_latest_model`: the newest *.tar.gz by modification time), for the gate, the
editor's report and the bench."""
from __future__ import annotations

from pathlib import Path
from typing import Optional


def model_in_service(models_dir: Path) -> Optional[Path]:
    from rasa.model import get_latest_model

    if not Path(models_dir).is_dir():
        return None
    latest = get_latest_model(str(models_dir))
    return Path(latest) if latest else None
