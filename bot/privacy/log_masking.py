"""Every log line of the process without card numbers, emails or phone numbers.

Installed as the logging module's record factory, so it sees every record of every logger
(Rasa's, its structlog lines, Sanic's, ours) whatever handlers are configured later: the message
is formatted once, masked, and kept formatted; an exception's text is masked the same way. The
launcher's processes install it first thing (`install()`)."""
from __future__ import annotations

import logging
from typing import Any

from bot.privacy.masking import mask_all

_FORMATTER = logging.Formatter()


def mask_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it itself later
        return
    masked = mask_all(message)
    if masked != message:
        record.msg, record.args = masked, ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_all(_FORMATTER.formatException(record.exc_info))


def install() -> None:
    """Idempotent: a second call changes nothing."""
    current = logging.getLogRecordFactory()
    if getattr(current, "masks_personal_data", False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = current(*args, **kwargs)
        mask_record(record)
        return record

    masked_record.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked_record)
