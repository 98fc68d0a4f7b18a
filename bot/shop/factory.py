"""The shop backend chosen in configuration (environment variables).

| variable | default | what |
|---|---|---|
| SHOP_BACKEND | sql | `sql` (SQLite or PostgreSQL) or `shopify` |
| SHOP_DATABASE_URL | sqlite:///var/shop.db (the demo shop) | SQLAlchemy URL: orders (sql backend), returns and incidents (both) |
| SHOP_TIMEOUT_S | 3 | slower answers count as "the shop system isn't answering" |
| SHOPIFY_BASE_URL, SHOPIFY_ACCESS_TOKEN | | the shop's Shopify Admin API (`https://<shop>.myshopify.com`) |
| SHOP_SIGNING_SECRET | | secret the shop's site signs customer tokens with |
"""
from __future__ import annotations

import os
from functools import lru_cache

from bot.shop.backend import ShopBackend

DEMO_DATABASE_URL = "sqlite:///var/shop.db"


def database_url(env=os.environ) -> str:
    return env.get("SHOP_DATABASE_URL") or DEMO_DATABASE_URL


def is_demo(env=os.environ) -> bool:
    return database_url(env) == DEMO_DATABASE_URL or env.get("SHOP_SEED_DEMO") == "1"


def backend_from_environment(env=os.environ) -> ShopBackend:
    from bot.shop.sql import SqlShopBackend

    timeout_s = float(env.get("SHOP_TIMEOUT_S", "3"))
    records = SqlShopBackend(database_url(env), timeout_s=timeout_s)
    if env.get("SHOP_BACKEND", "sql") == "shopify":
        from bot.shop.shopify import ShopifyBackend

        return ShopifyBackend(env["SHOPIFY_BASE_URL"], env["SHOPIFY_ACCESS_TOKEN"], records, timeout_s=timeout_s)
    return records


@lru_cache(maxsize=1)
def shop_backend() -> ShopBackend:
    """The process's backend (the action server keeps one)."""
    return backend_from_environment()


@lru_cache(maxsize=1)
def shop_policy():
    """The process's return policy (shop/return_policy.yml), read and validated once at first use."""
    from bot.shop.returns import load_policy

    return load_policy()
