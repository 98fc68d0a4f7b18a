"""The WhatsApp channel's settings: environment variables named in credentials.yml, so the bot
starts without WhatsApp configured (its webhook then answers 503)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

CHANNEL_NAME = "whatsapp"
DEFAULT_API_BASE_URL = "https://graph.facebook.com/v19.0"


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


def settings_from(credentials: Optional[Dict[str, Any]], environ=os.environ) -> WhatsAppSettings:
    """credentials.yml names the variables (`verify_token_env: WHATSAPP_VERIFY_TOKEN`); Rasa's
    own ${VAR} would refuse to start when one is unset."""
    credentials = credentials or {}
    names = {field: str(credentials.get(f"{field}_env") or default) for field, default in ENV_DEFAULTS.items()}
    values = {field: environ.get(env, "").strip() for field, env in names.items()}
    return WhatsAppSettings(
        verify_token=values["verify_token"], app_secret=values["app_secret"],
        access_token=values["access_token"], phone_number_id=values["phone_number_id"],
        api_base_url=values["api_base_url"] or DEFAULT_API_BASE_URL,
        env_names=tuple(names.items()),
    )
