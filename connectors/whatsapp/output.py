"""Rasa's messages to one WhatsApp user, as Cloud API messages (formatting.py) sent through the
Graph client. Never raises: a failed send is logged, and the conversation stays in Rasa's tracker."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.core.channels.channel import OutputChannel

from connectors.whatsapp import graph_client
from connectors.whatsapp.formatting import image_message, messages_with_buttons, split_text, text_message
from connectors.whatsapp.inbound import language_of_phone
from connectors.whatsapp.settings import CHANNEL_NAME, WhatsAppSettings

logger = logging.getLogger("connectors.whatsapp")


class WhatsAppOutput(OutputChannel):
    """Sends Rasa's messages to one WhatsApp user. Never raises: a failed send is logged, and the
    conversation stays in Rasa's tracker."""

    def __init__(self, settings: WhatsAppSettings) -> None:
        self.settings = settings

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for piece in split_text(text):
            await self.send(recipient_id, text_message(piece))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        for message in messages_with_buttons(text or "", buttons or [], language_of_phone(recipient_id)):
            await self.send(recipient_id, message)

    async def send_image_url(self, recipient_id: Text, image: Text, **kwargs: Any) -> None:
        await self.send(recipient_id, image_message(image))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # A custom payload shaped like a Cloud API message (a template, say) is sent as it is.
        if isinstance(json_message, dict) and json_message.get("type"):
            await self.send(recipient_id, json_message)
        else:
            logger.warning("WhatsApp: a custom message without a 'type' was not sent.")

    async def send(self, recipient_id: Text, message: Dict[str, Any]) -> bool:
        return await graph_client.send(self.settings, recipient_id, message)
