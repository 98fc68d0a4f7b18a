"""The editors' keyword matcher: accents, case, inflection, typos, phrases, languages."""
from pathlib import Path

from bot.nlu.keyword_rules import KeywordMatch, KeywordMatcher, choose_intent, load_rules, snowball_name, within_one_edit

RULES = {
    "es": {"invoice_request": ["factura"], "return_request": ["devolver"], "human_handoff": ["persona", "hablar con alguien"],
           "faq/warranty": ["garantía"]},
    "en": {"invoice_request": ["invoice"], "refund_status": ["refund"]},
    "pt": {"invoice_request": ["nota fiscal"]},
}


def intents(matches):
    return sorted({m.intent for m in matches})


def test_case_and_accents_are_ignored():
    matcher = KeywordMatcher(RULES)
    assert intents(matcher.matches("NECESITO LA FACTURA", "es")) == ["invoice_request"]
    assert intents(matcher.matches("cuanta garantia tiene", "es")) == ["faq/warranty"]
    assert intents(matcher.matches("cuánta GARANTÍA tiene", "es")) == ["faq/warranty"]


def test_inflections_match_the_same_stem():
    matcher = KeywordMatcher(RULES)
    assert intents(matcher.matches("mis facturas de octubre", "es")) == ["invoice_request"]
    assert intents(matcher.matches("lo devolveré mañana", "es")) == ["return_request"]
    assert intents(matcher.matches("any refunds yet?", "en")) == ["refund_status"]


def test_one_typo_in_longer_words_is_tolerated():
    matcher = KeywordMatcher(RULES)
    assert intents(matcher.matches("quiero la factrua", "es")) == ["invoice_request"]  # swapped letters
    assert intents(matcher.matches("send me the invoce", "en")) == ["invoice_request"]  # missing letter


def test_short_words_need_an_exact_match():
    assert not within_one_edit("dato", "pato") or len("dato") < 5
    matcher = KeywordMatcher({"es": {"human_handoff": ["humano"], "greet": ["hola"]}})
    assert matcher.matches("hora de cierre", "es") == []  # "hora" is one edit from "hola" but too short


def test_whole_words_only():
    matcher = KeywordMatcher(RULES)
    # "persona" must not match inside "personalizada"
    assert matcher.matches("una taza personalizada", "es") == []


def test_phrases_match_words_in_a_row():
    matcher = KeywordMatcher(RULES)
    assert intents(matcher.matches("puedo hablar con alguien?", "es")) == ["human_handoff"]
    assert matcher.matches("hablar de algo con alguien", "es") == []
    assert intents(matcher.matches("preciso da nota fiscal", "pt")) == ["invoice_request"]


def test_only_the_message_language_unless_unknown():
    matcher = KeywordMatcher(RULES)
    assert matcher.matches("invoice please", "es") == []
    assert intents(matcher.matches("invoice please", None)) == ["invoice_request"]


def test_any_language_snowball_knows_stems_by_its_code_alone():
    # No table of languages in the code: CLDR names the language, Snowball has its stemmer or not.
    assert [snowball_name(code) for code in ("es", "en", "pt", "fr", "ro", "ja", "xx", "")] == [
        "spanish", "english", "portuguese", "french", "romanian", None, None, None]
    french = KeywordMatcher({"fr": {"refund_status": ["remboursement"]}})
    assert [m.intent for m in french.matches("je n'ai toujours pas été remboursée", "fr")] == ["refund_status"]


def test_choose_intent_prefers_what_the_model_ranks_higher():
    matches = [KeywordMatch("return_request", "devolver", "es"), KeywordMatch("invoice_request", "factura", "es")]
    assert choose_intent(matches, {"invoice_request": 0.3, "return_request": 0.1}).intent == "invoice_request"
    assert choose_intent(matches, {"invoice_request": 0.1, "return_request": 0.3}).intent == "return_request"
    assert choose_intent([], {}) is None


def test_project_keywords_load_for_every_language():
    rules = load_rules(Path("data/nlu"))
    assert set(rules) == {"es", "en", "pt"}
    for language, by_intent in rules.items():
        assert "human_handoff" in by_intent, language


def test_vocabulary_knows_words_one_typo_away():
    from bot.nlu.unknown_words import Vocabulary

    vocabulary = Vocabulary(["pedido", "cancelar", "hola"])
    assert vocabulary.knows("pedido") and vocabulary.knows("pedidoo") and vocabulary.knows("cancelr")
    assert vocabulary.knows("pedjdo")  # substitution
    assert not vocabulary.knows("blorp") and not vocabulary.knows("привет") and not vocabulary.knows("hol")


def test_letter_words_cover_every_script():
    from bot.nlu.unknown_words import letter_words

    assert letter_words("Привет, ¿Cómo estás? 今日は 100234") == ["привет", "como", "estas", "今日は"]
