"""The model in service, on both held-out test splits (tests/nlu/ and tests/nlu/shifted/), meets
the accuracy targets: `make eval` reports the same figures in full, beside Rasa's stock pipeline."""
import asyncio
import glob
from pathlib import Path

import pytest

from bot.evaluation import _parse_all, fallback_threshold, load_splits, score
from bot.languages import supported_languages

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

TARGET_MACRO_F1 = {"own": 0.96, "style-shifted": 0.92}
TARGET_FAQ_SELECTION = 0.95
TARGET_LANGUAGE_ID = 0.97
MAX_WRONG_AND_CONFIDENT = 0.025
MAX_CALIBRATION_ERROR = 0.05


@pytest.fixture(scope="module")
def report():
    model = Path(sorted(glob.glob("models/*.tar.gz"))[-1])
    splits = load_splits()
    return {name: score(examples, asyncio.run(_parse_all(model, examples)), fallback_threshold())
            for name, examples in splits.items()}


@pytest.mark.parametrize("split", sorted(TARGET_MACRO_F1))
@pytest.mark.parametrize("language", supported_languages())
def test_intent_macro_f1(report, split, language):
    assert report[split][language]["intent_macro_f1"] >= TARGET_MACRO_F1[split], report[split][language]["misclassified"]


@pytest.mark.parametrize("split", sorted(TARGET_MACRO_F1))
@pytest.mark.parametrize("language", supported_languages())
def test_few_wrong_answers_given_with_confidence(report, split, language):
    figures = report[split][language]
    assert figures["wrong_and_confident"] <= MAX_WRONG_AND_CONFIDENT, figures["misclassified"]
    assert figures["expected_calibration_error"] <= MAX_CALIBRATION_ERROR


@pytest.mark.parametrize("language", supported_languages())
def test_faq_answer_selection(report, language):
    assert report["own"][language]["faq_selection_accuracy"] >= TARGET_FAQ_SELECTION


@pytest.mark.parametrize("language", supported_languages())
def test_language_identification(report, language):
    assert report["own"][language]["language_id_accuracy"] >= TARGET_LANGUAGE_ID
