"""SmtpBackend against a real SMTP server on loopback."""

import pytest

from app.mail.backends import DeliveryError, SmtpBackend
from app.mail.message import Message
from tests.support.smtp_server import free_port


def _use(app, server):
    app.config.update(
        MAIL_BACKEND="smtp",
        SMTP_HOST=server.host,
        SMTP_PORT=server.port,
        MAIL_FROM_ADDRESS="involve@example.nhs.uk",
        MAIL_FROM_NAME="Wolverhampton Involvement Network",
    )


def _message(to="alex@example.org", **extra) -> Message:
    return Message(
        to=to,
        subject="Your e-bulletin for March — £5 parking change",
        text="Hello Alex,\nNews about local health services.",
        html="<p>Hello Alex,</p><p>News about <strong>local health services</strong>.</p>",
        **extra,
    )


def test_message_arrives_with_sender_subject_both_parts_and_headers(app, smtp_server):
    _use(app, smtp_server)
    message = _message(
        headers={
            "List-Unsubscribe": "<https://involve.example/unsubscribe/abc>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        custom_args={"delivery_id": "4711"},
    )

    message_id = SmtpBackend().send(message)

    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    # One recipient per envelope, always.
    assert received.rcpt_tos == ["alex@example.org"]
    assert received.mail_from == "involve@example.nhs.uk"
    email = received.message
    assert email["From"] == "Wolverhampton Involvement Network <involve@example.nhs.uk>"
    assert email["To"] == "alex@example.org"
    assert email["Subject"] == "Your e-bulletin for March — £5 parking change"
    assert email["Message-ID"] == message_id
    assert email["List-Unsubscribe"] == "<https://involve.example/unsubscribe/abc>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email["X-Involve-Delivery-Id"] == "4711"
    assert email.get_content_type() == "multipart/alternative"
    assert "News about local health services." in email.get_body(("plain",)).get_content()
    assert "<strong>local health services</strong>" in email.get_body(("html",)).get_content()


def test_text_only_message_has_a_plain_part(app, smtp_server):
    _use(app, smtp_server)

    SmtpBackend().send(Message(to="alex@example.org", subject="Confirm", text="Confirm your email"))

    email = smtp_server.messages[0].message
    assert email.get_content_type() == "text/plain"
    assert email.get_content().strip() == "Confirm your email"


def test_refused_recipient_is_not_retried(app, smtp_server):
    _use(app, smtp_server)

    with pytest.raises(DeliveryError) as error:
        SmtpBackend().send(_message(to="nobody@example.org"))

    assert error.value.retry is False
    assert smtp_server.messages == []


def test_temporarily_refused_recipient_is_retried(app, smtp_server):
    _use(app, smtp_server)

    with pytest.raises(DeliveryError) as error:
        SmtpBackend().send(_message(to="busy@example.org"))

    assert error.value.retry is True
    assert smtp_server.messages == []


def test_server_down_is_retried(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=5)

    with pytest.raises(DeliveryError) as error:
        SmtpBackend().send(_message())

    assert error.value.retry is True
    assert "alex@example.org" not in str(error.value)
