"""Languages as data (bot/locales.py): locales and countries from Babel, phonenumbers and
shop/languages.yml, the same answer for the WhatsApp channel and the Shopify backend."""
from __future__ import annotations

from datetime import date

from bot import locales
from bot.shop import formatting


def test_country_and_phone_give_the_same_language():
    for country, number in (("ES", "34600111222"), ("MX", "5215512345678"), ("PE", "51912345678"),
                            ("BR", "5511987654321"), ("PT", "351912345678"), ("US", "14155550123"),
                            ("DE", "4915112345678")):
        assert locales.country_of_phone(number) == country
        assert locales.language_of_phone(number) == locales.language_of_country(country)
    assert [locales.language_of_country(c) for c in ("ES", "AR", "PE", "BR", "PT", "GB", "DE", "", None)] == \
        ["es", "es", "es", "pt", "pt", "en", "en", "en", "en"]  # other countries: shop/languages.yml
    assert locales.country_of_phone("") is None and locales.language_of_phone("") == "en"


def test_dates_in_the_shops_locales_and_babels_for_a_language_it_didnt_list():
    day = date(2026, 11, 24)
    assert formatting.day(day, "en") == "24 November 2026"  # en_GB, the shop's choice
    assert formatting.weekday_day(day, "es") == "martes 24 de noviembre"
    assert formatting.weekday_day(day, "pt") == "terça-feira, 24 de novembro"
    assert formatting.day(day, "fr") == "24 novembre 2026"  # no entry: Babel's fr
    assert formatting.weekday_day(day, "fr") == "mardi 24 novembre"
    assert formatting.day(day, None) == formatting.day(day, "es")  # the default language
