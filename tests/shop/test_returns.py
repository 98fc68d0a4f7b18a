"""The return-policy engine against the demo shop's policy file, with fixed dates only."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.shop.model import Order, OrderLine, ReturnRecord
from bot.shop.returns import (
    add_business_days,
    category_rule,
    damaged_item_terms,
    line_eligibility,
    load_policy,
    order_eligibility,
    refund_expectation,
    return_label_cost,
)

POLICY_FILE = Path(__file__).resolve().parents[2] / "shop" / "return_policy.yml"
DELIVERED = date(2024, 3, 4)  # a Monday


@pytest.fixture(scope="module")
def policy():
    return load_policy(POLICY_FILE)


def line(category="apparel", final_sale=False, sku="SKU-1") -> OrderLine:
    return OrderLine(sku=sku, title=f"A {category} item", category=category, qty=1,
                     price_eur=Decimal("10.00"), final_sale=final_sale)


def order(*lines, status="delivered", delivered_on=DELIVERED, country="ES") -> Order:
    return Order(id="100001", customer_id="c01", placed_on=date(2024, 2, 28), status=status,
                 ship_to_country=country, payment="card", total_eur=Decimal("10.00"),
                 lines=lines or (line(),), delivered_on=delivered_on)


def eligibility(policy, item, today, **order_fields):
    return line_eligibility(policy, order(item, **order_fields), item, today)


# ---------------------------------------------------------------- windows

def test_last_day_of_default_window_is_returnable(policy):
    last_day = DELIVERED + timedelta(days=30)
    result = eligibility(policy, line("apparel"), last_day)
    assert (result.returnable, result.reason, result.last_day) == (True, None, last_day)


def test_day_after_default_window_is_not_returnable(policy):
    result = eligibility(policy, line("apparel"), DELIVERED + timedelta(days=31))
    assert (result.returnable, result.reason) == (False, "window_passed")
    assert result.last_day == DELIVERED + timedelta(days=30)


def test_electronics_have_15_days_instead_of_30(policy):
    item = line("electronics")
    assert eligibility(policy, item, DELIVERED + timedelta(days=15)).returnable
    late = eligibility(policy, item, DELIVERED + timedelta(days=16))
    assert (late.returnable, late.reason, late.last_day) == (False, "window_passed", date(2024, 3, 19))


# ---------------------------------------------------------------- items never returnable

@pytest.mark.parametrize("category, reason", [
    ("underwear", "hygiene"),
    ("swimwear", "hygiene"),
    ("personalized", "personalized"),
    ("gift_card", "gift_card"),
])
def test_not_returnable_categories_give_their_reason_key(policy, category, reason):
    result = eligibility(policy, line(category), DELIVERED)  # even on the day of delivery
    assert (result.returnable, result.reason, result.last_day) == (False, reason, None)


def test_final_sale_item_is_not_returnable(policy):
    result = eligibility(policy, line("accessories", final_sale=True), DELIVERED)
    assert (result.returnable, result.reason) == (False, "final_sale")


def test_category_rule_answers_general_questions(policy):
    assert category_rule(policy, "swimwear").reason == "hygiene"
    assert not category_rule(policy, "Swimwear ").returnable  # as a customer might type it
    assert category_rule(policy, "electronics").window_days == 15
    assert category_rule(policy, "footwear").window_days == 30


# ---------------------------------------------------------------- order status

@pytest.mark.parametrize("status", ["paid", "preparing", "shipped", "in_transit"])
def test_order_not_delivered_yet_is_not_returnable_yet(policy, status):
    result = eligibility(policy, line(), DELIVERED, status=status, delivered_on=None)
    assert (result.returnable, result.reason, result.last_day) == (False, "not_delivered", None)


def test_cancelled_order_is_not_returnable(policy):
    result = eligibility(policy, line(), DELIVERED, status="cancelled", delivered_on=None)
    assert (result.returnable, result.reason) == (False, "cancelled")


def test_returned_order_is_not_returnable_again(policy):
    result = eligibility(policy, line(), DELIVERED + timedelta(days=5), status="returned")
    assert (result.returnable, result.reason) == (False, "already_returned")


def test_demo_order_100410_boots_returnable_socks_not(policy):
    seeded = date(2024, 6, 12)  # the demo data's "day 0"; the order was delivered 2 days before
    boots = OrderLine("BT-220-42", "Hiking Boots Sierra size 42", "footwear", 1, Decimal("99.90"))
    socks = OrderLine("SK-09", "Wool Socks", "underwear", 1, Decimal("12.50"))
    demo = Order(id="100410", customer_id="c06", placed_on=seeded - timedelta(days=8), status="delivered",
                 ship_to_country="GB", payment="paypal", total_eur=Decimal("112.40"), lines=(boots, socks),
                 carrier="UPS", shipped_on=seeded - timedelta(days=6), delivered_on=seeded - timedelta(days=2))

    boots_result, socks_result = order_eligibility(policy, demo, seeded)

    assert (boots_result.sku, boots_result.returnable) == ("BT-220-42", True)
    assert boots_result.last_day == demo.delivered_on + timedelta(days=30) == date(2024, 7, 10)
    assert (socks_result.sku, socks_result.returnable, socks_result.reason) == ("SK-09", False, "hygiene")


# ---------------------------------------------------------------- label cost

@pytest.mark.parametrize("country", ["ES", "PT", "es"])
def test_return_label_is_free_in_spain_and_portugal(policy, country):
    assert return_label_cost(policy, country) == Decimal("0")


@pytest.mark.parametrize("country", ["GB", "US", "MX", "BR"])
def test_return_label_costs_6_95_elsewhere(policy, country):
    assert return_label_cost(policy, country) == Decimal("6.95")


# ---------------------------------------------------------------- refunds

def record(**fields) -> ReturnRecord:
    defaults = dict(rma="RMA-1", order_id="100001", opened_on=date(2024, 2, 26), status="received")
    return ReturnRecord(**{**defaults, **fields})


def test_refund_expected_seven_business_days_after_receipt_skipping_weekends(policy):
    friday = date(2024, 3, 1)
    state = refund_expectation(policy, record(received_on=friday, refund_eur=Decimal("79.00")), friday)
    # Mon 4 .. Fri 8 are five business days, Mon 11 and Tue 12 the sixth and seventh.
    assert (state.status, state.expected_by, state.overdue) == ("processing", date(2024, 3, 12), False)
    assert state.refund_to == "original_payment_method"


def test_refund_not_yet_expected_before_the_return_arrives(policy):
    state = refund_expectation(policy, record(status="requested"), date(2024, 3, 1))
    assert (state.status, state.expected_by) == ("not_received_yet", None)


def test_refund_past_its_expected_day_is_overdue(policy):
    state = refund_expectation(policy, record(received_on=date(2024, 3, 1)), date(2024, 3, 13))
    assert (state.status, state.overdue) == ("processing", True)


def test_issued_refund_reports_when_and_where(policy):
    issued = record(status="refund_issued", received_on=date(2024, 3, 1), refund_eur=Decimal("79.00"),
                    refund_issued_on=date(2024, 3, 5), refund_to="card")
    state = refund_expectation(policy, issued, date(2024, 3, 6))
    assert (state.status, state.refund_eur, state.issued_on, state.refund_to) == (
        "issued", Decimal("79.00"), date(2024, 3, 5), "card")


def test_rejected_refund_keeps_its_reason(policy):
    rejected = record(status="rejected", reason="window_passed")
    state = refund_expectation(policy, rejected, date(2024, 3, 6))
    assert (state.status, state.reason, state.refund_eur, state.expected_by) == (
        "rejected", "window_passed", Decimal("0"), None)


def test_business_days_from_a_saturday_start_on_monday():
    assert add_business_days(date(2024, 3, 2), 1) == date(2024, 3, 4)


# ---------------------------------------------------------------- damaged or wrong item

def test_damaged_item_reported_on_the_last_day_is_in_time(policy):
    terms = damaged_item_terms(policy, order(), DELIVERED + timedelta(days=14))
    assert (terms.within_report_window, terms.report_by) == (True, date(2024, 3, 18))
    assert terms.free_return and terms.replacement_offered and terms.photo_requested


def test_damaged_item_reported_the_day_after_is_late(policy):
    terms = damaged_item_terms(policy, order(), DELIVERED + timedelta(days=15))
    assert (terms.within_report_window, terms.report_by) == (False, date(2024, 3, 18))


def test_damaged_item_terms_for_an_undelivered_order_have_no_deadline(policy):
    terms = damaged_item_terms(policy, order(status="in_transit", delivered_on=None), DELIVERED)
    assert (terms.within_report_window, terms.report_by) == (False, None)


# ---------------------------------------------------------------- the policy file

def test_policy_file_has_the_demo_shop_terms(policy):
    assert (policy.default_window_days, policy.window_days_by_category) == (30, {"electronics": 15})
    assert policy.condition == "unused_with_tags_and_packaging"
    assert policy.refund_business_days == 7
    assert policy.exchanges.kinds == ("size", "colour") and policy.exchanges.free


def broken_copy(tmp_path, change) -> Path:
    data = yaml.safe_load(POLICY_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "return_policy.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, key", [
    (lambda d: d["refund"].pop("business_days_after_receipt"), "refund.business_days_after_receipt"),
    (lambda d: d.pop("damaged_or_wrong_item"), "damaged_or_wrong_item"),
    (lambda d: d["window_days_from_delivery"].update(default="thirty"), "window_days_from_delivery.default"),
    (lambda d: d["window_days_from_delivery"].update(electronics=True), "window_days_from_delivery.electronics"),
    (lambda d: d["not_returnable_categories"].update(underwear="For hygiene reasons."),
     "not_returnable_categories.underwear"),
    (lambda d: d["return_shipping"].update(label_cost_eur_elsewhere="6,95"), "return_shipping.label_cost_eur_elsewhere"),
    (lambda d: d["return_shipping"].update(free_countries="ES"), "return_shipping.free_countries"),
    (lambda d: d.update(final_sale_returnable="no"), "final_sale_returnable"),
])
def test_broken_policy_file_names_the_key(tmp_path, change, key):
    with pytest.raises(ValueError, match=re.escape(f"'{key}'")):
        load_policy(broken_copy(tmp_path, change))


def test_empty_policy_file_is_refused(tmp_path):
    path = tmp_path / "return_policy.yml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="mapping"):
        load_policy(path)
