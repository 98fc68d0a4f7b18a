"""Where a message of several questions is split: at "?", ";" and each language's joining words,
which are data (`question_joiners:` in data/nlu/<language>/keywords.yml), not code."""
from pathlib import Path

from bot.nlu.faq_selector import part_separators
from bot.nlu.keyword_rules import load_question_joiners

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def pieces(text: str, joiners) -> list:
    return [p.strip(" ,") for p in part_separators(joiners).split(text) if p and p.strip(" ,")]


def test_each_language_splits_at_its_own_joining_words():
    joiners = load_question_joiners(PROJECT_ROOT / "data" / "nlu")
    assert pieces("cuanto cuesta el envio a canarias y puedo pagar con bizum", joiners) == \
        ["cuanto cuesta el envio a canarias", "puedo pagar con bizum"]
    assert pieces("where is order 100410? also do you ship to ireland", joiners) == ["where is order 100410", "do you ship to ireland"]
    assert pieces("qual o horário de vcs e além disso como uso um cupom", joiners) == ["qual o horário de vcs", "como uso um cupom"]
    assert pieces("andorra shipping", joiners) == ["andorra shipping"]  # a word, not a part of one


def test_a_new_language_brings_its_joining_words_as_data(tmp_path):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "keywords.yml").write_text('language: fr\nkeywords: {}\nquestion_joiners: ["et", "aussi"]\n', "utf-8")
    joiners = load_question_joiners(tmp_path)
    assert joiners == ["aussi", "et"]
    assert pieces("combien coûte la livraison et puis-je payer par PayPal", joiners) == \
        ["combien coûte la livraison", "puis-je payer par PayPal"]
