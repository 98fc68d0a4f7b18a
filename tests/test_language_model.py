"""Language detection: short chat words, stickiness on uninformative messages, switching."""
from pathlib import Path

import pytest

from bot.nlu.language_model import LanguageModel, train_word_counts

pytestmark = pytest.mark.integration  # real servers, a browser or a training: not in `make check`

LANGUAGES = ["es", "en", "pt"]
DECISIVE = 0.75  # config.yml's decisive_probability


@pytest.fixture(scope="module")
def model():
    return LanguageModel(LANGUAGES, train_word_counts(Path("data/nlu"), LANGUAGES))


def detect(model, text):
    probabilities = model.probabilities(text)
    language = max(probabilities, key=probabilities.get)
    return language, probabilities[language] >= DECISIVE


@pytest.mark.parametrize("text,language", [
    ("hola", "es"), ("gracias", "es"), ("xq no me llega el pedido", "es"), ("dónde está mi pedido", "es"),
    ("donde esta mi pedido", "es"), ("vos tenés envío a Argentina?", "es"),
    ("hi", "en"), ("thx", "en"), ("where is my parcel", "en"), ("wanna return my trainers", "en"),
    ("oi", "pt"), ("obg", "pt"), ("cadê meu pedido", "pt"), ("vc pode me ajudar", "pt"),
    ("a minha encomenda ainda não chegou", "pt"), ("nao recebi o reembolso", "pt"),
])
def test_detects_chat_messages_decisively(model, text, language):
    assert detect(model, text) == (language, True)


@pytest.mark.parametrize("text", ["ok", "okay", "no", "vale", "nope"])
def test_uninformative_words_are_not_decisive(model, text):
    # The conversation's language must not flip on these (the slot ignores tentative detections).
    assert detect(model, text)[1] is False


@pytest.mark.parametrize("text", ["", "   ", "100234", "#100234", "ana@example.com", "👍👍", "+34 600 111 222"])
def test_no_language_without_words(model, text):
    assert model.probabilities(text) == {}


def test_probabilities_sum_to_one(model):
    assert sum(model.probabilities("quiero devolver unas botas").values()) == pytest.approx(1.0)
