"""SendGridBackend with the real `sendgrid` client against a local Mail Send server."""

import time

import pytest

from app.mail.backends import DeliveryError, SendGridBackend
from app.mail.message import Message
from tests.support.sendgrid_server import Answer


@pytest.fixture
def sendgrid(app, sendgrid_server):
    app.config.update(
        MAIL_BACKEND="sendgrid",
        SENDGRID_HOST=sendgrid_server.url,
        SENDGRID_API_KEY="SG.test-key",
        MAIL_FROM_ADDRESS="involve@example.nhs.uk",
        MAIL_FROM_NAME="Wolverhampton Involvement Network",
    )
    return sendgrid_server


def _message(**extra) -> Message:
    fields = {
        "to": "alex@example.org",
        "subject": "Your e-bulletin for March",
        "text": "News about local health services.",
        "html": "<p>News about local health services.</p>",
        "headers": {
            "List-Unsubscribe": "<https://involve.example/unsubscribe/abc>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        "custom_args": {"delivery_id": "4711", "campaign_id": "12"},
        "category": "bulletin",
    }
    return Message(**(fields | extra))


def test_accepted_message_returns_the_provider_message_id(sendgrid):
    message_id = SendGridBackend().send(_message())

    assert sendgrid.problems == []
    [request] = sendgrid.requests
    assert message_id and message_id == request.message_id
    assert request.headers["authorization"] == "Bearer SG.test-key"
    body = request.json
    assert body["from"] == {"email": "involve@example.nhs.uk", "name": "Wolverhampton Involvement Network"}
    assert body["subject"] == "Your e-bulletin for March"
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert body["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert body["categories"] == ["bulletin"]
    [accepted] = sendgrid.accepted()
    assert accepted["to"] == "alex@example.org"
    assert accepted["custom_args"] == {"delivery_id": "4711", "campaign_id": "12"}


def test_custom_args_are_sent_as_strings(sendgrid):
    SendGridBackend().send(_message(custom_args={"delivery_id": 4711}))

    assert sendgrid.problems == []
    assert sendgrid.accepted()[0]["custom_args"] == {"delivery_id": "4711"}


def test_email_address_in_custom_args_is_never_sent(sendgrid):
    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message(custom_args={"member": "alex@example.org"}))

    assert error.value.retry is False
    assert sendgrid.requests == []


def test_rate_limit_is_retried_after_the_reset_time(sendgrid):
    sendgrid.answer(Answer.rate_limited(reset_at=time.time() + 30))

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert error.value.retry is True
    assert 20 <= error.value.wait_seconds <= 31
    # The next request goes through again.
    assert SendGridBackend().send(_message())


def test_rate_limit_reset_given_as_seconds_is_waited_out(sendgrid):
    sendgrid.answer(Answer(429, headers={"X-RateLimit-Reset": "12"}))

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert (error.value.retry, error.value.wait_seconds) == (True, 12.0)


def test_server_error_is_retried(sendgrid):
    sendgrid.answer(Answer.server_error())

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert error.value.retry is True


def test_bad_request_is_not_retried(sendgrid):
    sendgrid.answer(Answer.bad_request())

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert error.value.retry is False


def test_wrong_api_key_is_not_retried(app, sendgrid):
    app.config["SENDGRID_API_KEY"] = "SG.wrong"

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert error.value.retry is False
    assert sendgrid.requests[0].status == 401


def test_a_provider_that_hangs_times_out_and_is_retried(app, sendgrid):
    app.config["SENDGRID_TIMEOUT"] = 0.5
    sendgrid.answer(Answer.hang(seconds=10))

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert error.value.retry is True
    assert len(sendgrid.requests) == 1


def test_a_provider_that_is_down_is_retried(app, sendgrid):
    url = sendgrid.url
    sendgrid.stop()
    app.config["SENDGRID_HOST"] = url

    with pytest.raises(DeliveryError) as error:
        SendGridBackend().send(_message())

    assert error.value.retry is True
