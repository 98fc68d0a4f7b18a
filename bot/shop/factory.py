"""The shop backend chosen in configuration: SHOP_BACKEND, SHOP_DATABASE_URL, SHOP_TIMEOUT_S,
SHOPIFY_BASE_URL and SHOPIFY_ACCESS_TOKEN, SHOP_SEED_DEMO (declared in bot/settings.py)."""
from __future__ import annotations

from functools import lru_cache
from typing import Mapping, Optional

from bot import settings
from bot.settings import DEMO_SHOP_DATABASE_URL as DEMO_DATABASE_URL  # noqa: F401 (bot/shop/seed.py uses it)
from bot.shop.backend import ShopBackend


def database_url(env: Optional[Mapping[str, str]] = None) -> str:
    return settings.load(env).shop.database_url


def is_demo(env: Optional[Mapping[str, str]] = None) -> bool:
    return settings.load(env).shop.is_demo


def backend_from_environment(env: Optional[Mapping[str, str]] = None) -> ShopBackend:
    from bot.shop.sql import SqlShopBackend

    shop = settings.load(env).shop
    records = SqlShopBackend(shop.database_url, timeout_s=shop.timeout_s)
    if shop.backend == "shopify":
        from bot.shop.shopify import ShopifyBackend

        return ShopifyBackend(shop.shopify_base_url, shop.shopify_access_token, records, timeout_s=shop.timeout_s)
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
