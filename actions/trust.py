"""What an action may believe about who it is talking to.

The action server answers only the Rasa server (bot/action_server.py), and still re-checks:
- a customer id counts as verified only with the proof an action signed when it verified it
  (a signed token, or the order + email/phone check), bound to this conversation;
- a WhatsApp number is trusted only as the conversation's own id: WhatsApp's connector names
  conversations by the number its signed deliveries come from, and no other channel may use a
  phone-like id (connectors/limits.py);
- the client address is the one the channel saw, never one the client sent.
"""
from typing import List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bot.security.shared_secret import signature, signature_matches

PROOF_SLOT = "identity_proof"


def remember_customer(tracker: Tracker, customer_id: str) -> List[SlotSet]:
    return [SlotSet("customer_id", customer_id), SlotSet(PROOF_SLOT, signature("customer", tracker.sender_id, customer_id))]


def verified_customer_id(tracker: Tracker) -> Optional[str]:
    customer_id = tracker.get_slot("customer_id")
    if customer_id and signature_matches(tracker.get_slot(PROOF_SLOT), "customer", tracker.sender_id, str(customer_id)):
        return str(customer_id)
    return None


def whatsapp_number(tracker: Tracker) -> Optional[str]:
    sender = str(tracker.sender_id or "")
    return f"+{sender}" if sender.isdigit() and len(sender) >= 6 else None


def client_address(tracker: Tracker) -> Optional[str]:
    client = ((tracker.latest_message or {}).get("metadata") or {}).get("client")
    address = client.get("address") if isinstance(client, dict) else None
    return address if isinstance(address, str) else None
