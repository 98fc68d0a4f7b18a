"""WhatsApp channel over Meta's WhatsApp Cloud API, one module per job:

- `webhook.py`: `WhatsAppInput`, Meta's webhook (verification, signed deliveries, answered at
  once, handled after, each message once);
- `inbound.py`: reading a delivery (signature, messages, media, statuses, the customer's language);
- `formatting.py`: Rasa's messages within WhatsApp's limits (texts, buttons, lists, numbered lines);
- `graph_client.py`: the Graph API call, its retries and what a failure means;
- `output.py`: `WhatsAppOutput`, Rasa's output channel over the two above;
- `settings.py`: environment variables named in credentials.yml.

credentials.yml names the channel `connectors.whatsapp.WhatsAppInput`: re-exported here.
"""
from connectors.whatsapp.formatting import messages_with_buttons, split_text, text_message
from connectors.whatsapp.graph_client import WINDOW_CLOSED
from connectors.whatsapp.inbound import RecentIds, incoming_from, language_of_phone, masked, signature_is_valid
from connectors.whatsapp.output import WhatsAppOutput
from connectors.whatsapp.settings import DEFAULT_API_BASE_URL, ENV_DEFAULTS, WhatsAppSettings, settings_from
from connectors.whatsapp.webhook import WhatsAppInput

__all__ = ["DEFAULT_API_BASE_URL", "ENV_DEFAULTS", "WINDOW_CLOSED", "RecentIds", "WhatsAppInput", "WhatsAppOutput",
           "WhatsAppSettings", "incoming_from", "language_of_phone", "masked", "messages_with_buttons",
           "settings_from", "signature_is_valid", "split_text", "text_message"]
