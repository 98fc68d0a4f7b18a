"""Which messages go to a person at once (shop/escalation.yml), in each language, and which don't."""
import pytest

from bot.nlu.escalation import escalation_in


@pytest.mark.parametrize("text,reason", [
    ("Mi pedido 100234 lleva una semana de retraso y NO QUIERO UN ROBOT", "asked_for_person"),
    ("i dont want a robot, where's my parcel", "asked_for_person"),
    ("nao quero falar com robo, cadê meu pedido", "asked_for_person"),
    ("es la segunda vez que pregunto por el pedido 100610", "repeated_contact"),
    ("Second time I ask: where is order 100410?", "repeated_contact"),
    ("já perguntei ontem e ninguém respondeu", "repeated_contact"),
    ("me habéis cobrado dos veces el pedido 100503", "double_charge"),
    ("I was charged twice for the same order", "double_charge"),
    ("cobraram duas vezes no meu cartão", "double_charge"),
    ("ES UNA VERGÜENZA, LLEVO DOS SEMANAS ESPERANDO", "complaint"),
    ("this is a scam!!!", "complaint"),
])
def test_messages_that_go_to_a_person_straight_away(text, reason):
    assert escalation_in(text)["reason"] == reason


@pytest.mark.parametrize("text", [
    "hola, dónde está mi pedido", "the payment for order 100920 didn't go through",
    "es una vergüenza lo que tarda",  # one anger word, no shouting: the model decides (complaint)
    "I want to speak to a person",  # the human_handoff intent already does this
    "two pairs of socks please", "segunda mano?", "a" * 4096,
])
def test_ordinary_messages_are_left_to_the_model(text):
    assert escalation_in(text) is None
