"""Loads the demo shop (shop/demo_shop.json) into a SQL database, dated relative to `today`.

    python -m bot.shop.seed [URL]      # default sqlite:///var/shop.db, dated today

The file gives dates as day offsets so the demo never goes stale: seeding again replaces
everything, and the same `today` always gives the same content.
"""
from __future__ import annotations

import argparse
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Dict, Optional

from sqlalchemy import create_engine, delete, insert
from sqlalchemy.engine import make_url

from bot.migrations import runner, stores
from bot.shop.factory import DEMO_DATABASE_URL
from bot.shop.identifiers import phone_key
from bot.shop.sql import (
    FIRST_INCIDENT, customers, incidents, metadata, order_lines, orders, returns,
)


# The demo data has no addresses; orders get a made-up one in their country (number = customer's).
ADDRESSES = {
    "ES": "Calle Mayor {n}, Madrid, ES",
    "PT": "Rua Augusta {n}, Lisboa, PT",
    "MX": "Avenida Juárez {n}, Ciudad de México, MX",
    "BR": "Rua Oscar Freire {n}, São Paulo, BR",
    "GB": "{n} Baker Street, London, GB",
    "US": "{n} Market Street, San Francisco, US",
}


def demo_address(customer_id: str, country: str) -> str:
    number = int(re.sub(r"\D", "", customer_id) or 1)
    return ADDRESSES.get(country, "{n} Main Street, " + country).format(n=number)


def seed_demo_shop(url: str, today: date, data_path: Path = Path("shop/demo_shop.json")) -> Dict[str, int]:
    """Brings the tables to the newest schema and replaces their content with the demo shop; returns rows per table."""
    data = json.loads(Path(data_path).read_text(encoding="utf-8"), parse_float=Decimal)  # money stays exact

    def day(offset: Optional[int]) -> Optional[date]:
        return None if offset is None else today + timedelta(days=offset)

    rows = {
        customers: [
            dict(id=c["id"], name=c["name"], email=c["email"], phone=c["phone"], phone_key=phone_key(c["phone"]),
                 country=c["country"], language=c["language"], tier=c["tier"], customer_since=day(c["customer_since_days"]))
            for c in data["customers"]
        ],
        orders: [
            dict(id=o["id"], customer_id=o["customer"], placed_on=day(o["placed_days"]), status=o["status"],
                 ship_to_country=o["ship_to_country"], payment=o["payment"], total_eur=o["total_eur"],
                 carrier=o["carrier"], tracking_number=o["tracking_number"], shipped_on=day(o["shipped_days"]),
                 estimated_delivery=day(o["estimated_delivery_days"]), delivered_on=day(o["delivered_days"]),
                 shipping_address=demo_address(o["customer"], o["ship_to_country"]))
            for o in data["orders"]
        ],
        order_lines: [
            dict(order_id=o["id"], line_no=n, sku=i["sku"], title=i["title"], category=i["category"], qty=i["qty"],
                 price_eur=i["price_eur"], final_sale=i.get("final_sale", False))
            for o in data["orders"] for n, i in enumerate(o["items"], start=1)
        ],
        returns: [
            dict(rma=r["rma"], order_id=r["order"], opened_on=day(r["opened_days"]), status=r["status"],
                 received_on=day(r["received_days"]), refund_eur=r["refund_eur"],
                 refund_issued_on=day(r["refund_issued_days"]), refund_to=r["refund_to"], reason=r.get("reason"),
                 skus=r.get("skus") or _skus_of(data, r["order"]))  # the file's returns are of whole orders
            for r in data["returns"]
        ],
        incidents: [
            dict(id=f"INC-{FIRST_INCIDENT + n}", customer_id=i["customer"], order_id=i["order"],
                 opened_on=day(i["opened_days"]), status=i["status"], summary=i["summary"])
            for n, i in enumerate(data["incidents"])
        ],
    }
    _make_sqlite_folder(url)
    engine = create_engine(url, future=True)
    try:
        runner.upgrade(engine, stores.SHOP)  # the tables, at the newest schema
        with engine.begin() as conn:  # one transaction: readers see the old shop or the new one
            for table in reversed(metadata.sorted_tables):
                conn.execute(delete(table))
            for table in metadata.sorted_tables:
                if rows[table]:
                    conn.execute(insert(table), rows[table])
    finally:
        engine.dispose()
    return {table.name: len(rows[table]) for table in metadata.sorted_tables}


def _skus_of(data: dict, order_id: str) -> list:
    return [i["sku"] for o in data["orders"] if o["id"] == order_id for i in o["items"]]


def _make_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.shop.seed", description="Load the demo shop, dated today.")
    parser.add_argument("url", nargs="?", default=DEMO_DATABASE_URL, help=f"SQLAlchemy URL (default {DEMO_DATABASE_URL})")
    args = parser.parse_args(argv)
    counts = seed_demo_shop(args.url, date.today())
    shown = repr(make_url(args.url))  # repr hides a password
    print(f"Seeded {shown}: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


if __name__ == "__main__":
    main()
