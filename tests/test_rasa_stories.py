"""Rasa's own test of the test stories (tests/stories/): every intent, in every language."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.languages import supported_languages

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

LANGUAGES = supported_languages()


def test_stories_cover_every_intent_in_every_language():
    intents = set(yaml.safe_load(Path("domain.yml").read_text("utf-8"))["intents"]) - {"faq"}
    for language in LANGUAGES:
        stories = yaml.safe_load(Path(f"tests/stories/test_{language}.yml").read_text("utf-8"))["stories"]
        used = {step["intent"].split("/")[0] for story in stories for step in story["steps"] if "intent" in step}
        assert intents <= used, (language, intents - used)


def test_rasa_test_passes_every_story(tmp_path):
    env = dict(os.environ, PYTHONPATH=".", RASA_TELEMETRY_ENABLED="false")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "test", "core", "--model", "models", "--stories", "tests/stories",
         "--out", str(tmp_path), "--fail-on-prediction-errors"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert not failed.exists() or "story:" not in failed.read_text()
