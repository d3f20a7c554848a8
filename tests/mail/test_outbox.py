"""The outbox backend: whole messages only, read back for the staff Outbox page."""

import os

import pytest

from app.mail import backends
from app.mail.backends import DeliveryError, OutboxBackend, read_outbox, read_outbox_message
from app.mail.message import Message


def _message(**extra) -> Message:
    fields = {
        "to": "alex@example.org",
        "subject": "Confirm your email — Get Involved",
        "text": "Follow the link to confirm: https://involve.example/confirm/abc",
        "html": "<p>Follow the link to <a href='https://involve.example/confirm/abc'>confirm</a>.</p>",
        "headers": {"List-Unsubscribe": "<https://involve.example/unsubscribe/abc>"},
        "custom_args": {"delivery_id": "7"},
    }
    return Message(**(fields | extra))


def test_sent_message_reads_back_with_subject_recipient_and_both_parts(app, outbox):
    message_id = OutboxBackend(app.config["OUTBOX_DIR"]).send(_message())

    [stored] = outbox()
    assert stored["id"] == message_id
    assert stored["to"] == "alex@example.org"
    assert stored["subject"] == "Confirm your email — Get Involved"
    assert "https://involve.example/confirm/abc" in stored["text"]
    assert "<a href='https://involve.example/confirm/abc'>confirm</a>" in stored["html"]
    assert stored["headers"]["List-Unsubscribe"] == "<https://involve.example/unsubscribe/abc>"
    assert stored["headers"]["X-Involve-Delivery-Id"] == "7"
    assert read_outbox_message(app.config["OUTBOX_DIR"], message_id)["subject"] == stored["subject"]


def test_newest_message_is_listed_first(app, outbox):
    backend = OutboxBackend(app.config["OUTBOX_DIR"])
    backend.send(_message(subject="First"))
    backend.send(_message(subject="Second"))

    assert [m["subject"] for m in outbox()] == ["Second", "First"]


def test_a_failed_write_leaves_nothing_behind(app, outbox, monkeypatch):
    directory = app.config["OUTBOX_DIR"]
    OutboxBackend(directory).send(_message(subject="Earlier"))

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backends.os, "replace", broken_replace)
    with pytest.raises(DeliveryError) as error:
        OutboxBackend(directory).send(_message(subject="Lost"))

    assert error.value.retry is True
    assert [m["subject"] for m in outbox()] == ["Earlier"]
    assert [name for name in os.listdir(directory) if name.endswith(".tmp")] == []


def test_half_written_file_from_a_crash_is_never_listed(app, outbox):
    directory = app.config["OUTBOX_DIR"]
    OutboxBackend(directory).send(_message())
    with open(os.path.join(directory, ".00000000000000000001-deadbeef.tmp"), "wb") as handle:
        handle.write(b"From: involve@example.nhs.uk\r\nSubject: Half")

    assert [m["subject"] for m in outbox()] == ["Confirm your email — Get Involved"]


def test_unwritable_outbox_is_a_delivery_error(app, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox folder should be")

    with pytest.raises(DeliveryError):
        OutboxBackend(str(blocker / "outbox")).send(_message())


def test_message_ids_that_could_escape_the_folder_are_refused(app):
    directory = app.config["OUTBOX_DIR"]
    OutboxBackend(directory).send(_message())

    assert read_outbox_message(directory, "../secret_key") is None
    assert read_outbox_message(directory, "00000000000000000000-missing") is None
    assert read_outbox(str(app.config["OUTBOX_DIR"]) + "-nowhere") == []
