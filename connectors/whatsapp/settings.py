"""The WhatsApp channel's settings: environment variables named in credentials.yml (declared in
bot/settings.py), so the bot starts without WhatsApp configured (its webhook then answers 503)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot.settings import DEFAULT_WHATSAPP_API_BASE_URL, whatsapp_variable

CHANNEL_NAME = "whatsapp"
DEFAULT_API_BASE_URL = DEFAULT_WHATSAPP_API_BASE_URL


@dataclass(frozen=True)
class WhatsAppSettings:
    verify_token: str
    app_secret: str
    access_token: str
    phone_number_id: str
    api_base_url: str
    env_names: Tuple[Tuple[str, str], ...] = ()

    @property
    def missing(self) -> List[str]:
        """The environment variables still to set, by name."""
        return [env for field, env in self.env_names if field != "api_base_url" and not getattr(self, field)]

    @property
    def configured(self) -> bool:
        return all((self.verify_token, self.app_secret, self.access_token, self.phone_number_id))

    @property
    def messages_url(self) -> str:
        return f"{self.api_base_url.rstrip('/')}/{self.phone_number_id}/messages"


ENV_DEFAULTS = {
    "verify_token": "WHATSAPP_VERIFY_TOKEN",
    "app_secret": "WHATSAPP_APP_SECRET",
    "access_token": "WHATSAPP_ACCESS_TOKEN",
    "phone_number_id": "WHATSAPP_PHONE_NUMBER_ID",
    "api_base_url": "WHATSAPP_API_BASE_URL",
}


def settings_from(credentials: Optional[Dict[str, Any]], environ: Optional[Mapping[str, str]] = None) -> WhatsAppSettings:
    """credentials.yml names the variables (`verify_token_env: WHATSAPP_VERIFY_TOKEN`); Rasa's
    own ${VAR} would refuse to start when one is unset."""
    credentials = credentials or {}
    names = {field: str(credentials.get(f"{field}_env") or default) for field, default in ENV_DEFAULTS.items()}
    values = {field: whatsapp_variable(env, environ) for field, env in names.items()}
    return WhatsAppSettings(
        verify_token=values["verify_token"], app_secret=values["app_secret"],
        access_token=values["access_token"], phone_number_id=values["phone_number_id"],
        api_base_url=values["api_base_url"] or DEFAULT_API_BASE_URL,
        env_names=tuple(names.items()),
    )
