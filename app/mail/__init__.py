"""Building and delivering email."""

import logging

from flask import render_template

from app.mail.backends import backend
from app.mail.message import Message

log = logging.getLogger(__name__)


def send_transactional(to: str, subject: str, template: str, **context) -> str:
    """Send one message rendered from templates/email/<template>.txt and .html."""
    text = render_template(f"email/{template}.txt", **context)
    html = render_template(f"email/{template}.html", **context)
    message = Message(to=to, subject=subject, text=text, html=html, headers=context.pop("headers", {}) or {})
    message_id = backend().send(message)
    log.info("sent %s message %s", template, message_id)
    return message_id
