"""The GOV.UK Notify backend with the official client against a local v2 API server."""

import pytest

from app import create_app
from app.mail.backends import DeliveryError, backend
from app.mail.bulk import BulkMessage, BulkRecipient, bulk_backend
from app.mail.message import Message
from app.mail.notify import NotifyBackend, NotifyBulk
from tests.conftest import make_config
from tests.support import notify_server
from tests.support.notify_server import LocalNotify


@pytest.fixture
def notify(app):
    server = LocalNotify().start()
    app.config.update(server.config())
    yield server
    server.stop()


def _recipients(*addresses):
    return [
        BulkRecipient(100 + i, to, {"%%first_name%%": f"Reader {i}"}, {}, {"delivery_id": str(100 + i)})
        for i, to in enumerate(addresses)
    ]


MESSAGE = BulkMessage(subject="News for %%first_name%%", text="Hello %%first_name%%, here is the news.", html="")


def test_a_key_in_the_wrong_format_stops_the_app_starting_with_a_clear_message():
    config = make_config("sqlite://", "/tmp/outbox", MAIL_BACKEND="notify", NOTIFY_API_KEY="not-a-notify-key")
    with pytest.raises(RuntimeError, match="NOTIFY_API_KEY is not a GOV.UK Notify API key"):
        create_app(config)
    config = make_config(
        "sqlite://",
        "/tmp/outbox",
        MAIL_BACKEND="notify",
        NOTIFY_API_KEY=LocalNotify().api_key,
        NOTIFY_EMAIL_TEMPLATE_ID="welcome",
    )
    with pytest.raises(RuntimeError, match="NOTIFY_EMAIL_TEMPLATE_ID must be the id of a Notify email template"):
        create_app(config)


def test_a_transactional_email_goes_through_the_email_template_signed_with_the_key(notify):
    assert isinstance(backend(), NotifyBackend)
    notification_id = backend().send(Message(to="alex@example.org", subject="Confirm your address", text="Click"))
    [sent] = notify.notifications
    assert sent["id"] == notification_id and sent["to"] == "alex@example.org"
    assert sent["template"]["id"] == notify.email_template_id
    assert sent["personalisation"] == {"subject": "Confirm your address", "body": "Click"}
    assert notify.refusals == []


def test_a_wrong_secret_is_refused_by_notify_and_not_tried_again(app, notify):
    app.config["NOTIFY_API_KEY"] = LocalNotify(service_id=notify.service_id).api_key
    with pytest.raises(DeliveryError) as caught:
        bulk_backend().send(MESSAGE, _recipients("a@example.org"))
    assert not caught.value.retry and "403" in str(caught.value)
    assert notify.notifications == [] and notify.refusals


def test_each_recipient_is_one_notification_with_their_delivery_id_as_reference(notify):
    result = NotifyBulk().send(MESSAGE, _recipients("a@example.org", "b@example.org"))
    assert sorted(result.accepted) == [100, 101]
    assert notify.references() == ["100", "101"]
    assert notify.by_reference("101")[0]["personalisation"] == {
        "subject": "News for Reader 1",
        "body": "Hello Reader 1, here is the news.",
    }


def test_a_text_message_goes_to_the_mobile_through_the_text_template(notify):
    message = BulkMessage(subject="", text="Hi %%first_name%%: news at https://x.example/w/1", html="", channel="sms")
    result = NotifyBulk().send(message, _recipients("+447700900123"))
    assert result.accepted
    [sent] = notify.notifications
    assert sent["type"] == "sms" and sent["to"] == "+447700900123"
    assert sent["template"]["id"] == notify.sms_template_id
    assert sent["personalisation"] == {"body": "Hi Reader 0: news at https://x.example/w/1"}


def test_a_429_before_anything_went_is_waited_out(notify):
    notify.answer(notify_server.RATE_LIMITED)
    with pytest.raises(DeliveryError) as caught:
        NotifyBulk().send(MESSAGE, _recipients("a@example.org"))
    assert caught.value.retry and caught.value.wait_seconds == 60.0


def test_a_5xx_before_anything_went_is_tried_again(notify):
    notify.answer(notify_server.SERVER_ERROR)
    with pytest.raises(DeliveryError) as caught:
        NotifyBulk().send(MESSAGE, _recipients("a@example.org"))
    assert caught.value.retry and caught.value.wait_seconds is None and "500" in str(caught.value)


def test_a_429_part_way_keeps_what_went_and_hands_the_rest_back(notify):
    notify.answer(notify_server.ACCEPT, notify_server.RATE_LIMITED)
    result = NotifyBulk().send(MESSAGE, _recipients("a@example.org", "b@example.org", "c@example.org"))
    assert list(result.accepted) == [100]
    assert not result.refused and not result.unsettled  # 101 and 102 were never handed over


def test_a_recipient_notify_refuses_is_failed_alone(notify):
    notify.answer(notify_server.ACCEPT, notify_server.BAD_REQUEST)
    result = NotifyBulk().send(MESSAGE, _recipients("a@example.org", "b@example.org", "c@example.org"))
    assert sorted(result.accepted) == [100, 102]
    assert "400" in result.refused[101]


def test_a_timeout_after_notify_took_it_is_left_to_be_looked_up(notify):
    notify.answer(notify_server.TAKE_THEN_HANG)
    result = NotifyBulk().send(MESSAGE, _recipients("a@example.org", "b@example.org"))
    assert result.unsettled == {100} and list(result.accepted) == [101]
    found, unknown = NotifyBulk().look_up([100, 101, 999])
    assert set(found) == {100, 101} and unknown == set()


def test_a_lookup_that_fails_says_so_rather_than_nothing_there(app, notify):
    app.config["NOTIFY_BASE_URL"] = "http://127.0.0.1:9"
    found, unknown = NotifyBulk().look_up([100])
    assert found == {} and unknown == {100}


def test_every_notify_send_shares_one_pace_within_notifys_3000_a_minute(app, notify):
    from types import SimpleNamespace

    from app.newsletters import pacing

    app.config["BULLETIN_SEND_RATE"] = 0
    assert pacing.rate_for(SimpleNamespace(id=1, send_rate=None)) == ("notify", 50)
    app.config["BULLETIN_SEND_RATE"] = 500
    assert pacing.rate_for(SimpleNamespace(id=1, send_rate=None)) == ("notify", 50)
    assert pacing.rate_for(SimpleNamespace(id=2, send_rate=10)) == ("notify", 10)
