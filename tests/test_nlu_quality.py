"""The model in service, on the held-out test split (tests/nlu/), meets the accuracy targets.

`make eval` reports the same figures in full, beside Rasa's stock pipeline.
"""
import asyncio
import glob
from pathlib import Path

import pytest

from bot.evaluation import _parse_all, load_test_split, score
from bot.languages import supported_languages

TARGET_MACRO_F1 = 0.92
TARGET_FAQ_SELECTION = 0.90
TARGET_LANGUAGE_ID = 0.97


@pytest.fixture(scope="module")
def report():
    examples = load_test_split()
    model = Path(sorted(glob.glob("models/*.tar.gz"))[-1])
    return score(examples, asyncio.run(_parse_all(model, examples)))


@pytest.mark.parametrize("language", supported_languages())
def test_intent_macro_f1(report, language):
    assert report[language]["intent_macro_f1"] >= TARGET_MACRO_F1, report[language]["misclassified"]


@pytest.mark.parametrize("language", supported_languages())
def test_faq_answer_selection(report, language):
    assert report[language]["faq_selection_accuracy"] >= TARGET_FAQ_SELECTION


@pytest.mark.parametrize("language", supported_languages())
def test_language_identification(report, language):
    assert report[language]["language_id_accuracy"] >= TARGET_LANGUAGE_ID
