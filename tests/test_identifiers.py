"""What customers type as order numbers and emails."""
import pytest

from bot.shop.identifiers import email_in, order_number_in


@pytest.mark.parametrize("text", ["100234", "#100234", "pedido 100234", "es el # 100234", "Order #100234, thanks", ["100234"]])
def test_order_numbers_are_found(text):
    assert order_number_in(text) == "100234"


@pytest.mark.parametrize("text", [
    "12", "1002345", "200234", "abc", "", None, "100234 y 100235", "'; DROP TABLE orders; --",
    "1" * 20000, "１００２３４",  # full-width digits are not the shop's format
])
def test_other_values_are_refused(text):
    assert order_number_in(text) is None


@pytest.mark.parametrize("text,email", [
    ("Ana.Garcia@Example.com", "ana.garcia@example.com"),
    ("mi correo es tom.baker@example.org", "tom.baker@example.org"),
    ("joao.silva@example.com.br.", "joao.silva@example.com.br"),
    # one lead-in word of data/nlu/<language>/contact_words.yml before the address
    ("its ana.garcia@example.com", "ana.garcia@example.com"),
    ("correo lucia.fernandez@example.com", "lucia.fernandez@example.com"),
    ("é mariana.costa@example.pt", "mariana.costa@example.pt"),
])
def test_emails_are_found_and_lower_cased(text, email):
    assert email_in(text) == email


@pytest.mark.parametrize("text", ["ana garcia@example.com", "ana@", "@example.com", "a@b", "x" * 400 + "@example.com", "a@x.com b@y.com"])
def test_malformed_emails_are_refused(text):
    assert email_in(text) is None
