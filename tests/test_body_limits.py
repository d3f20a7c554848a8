"""Request bodies over their limit are refused with 413 and a message naming the limit, before they are read."""

import io
import json
import os

import pytest
from sqlalchemy import func, select

from app.auth import services as auth
from app.extensions import db
from app.members.import_models import ImportBatch
from app.members.models import Member
from app.newsletters.models import TrackingEvent, WebhookBatch
from tests.factories import create_staff_user, csrf_token, login
from tests.newsletters.sendgrid_mock import make_key_pair, sign_webhook

MB = 1024 * 1024
KEYS = make_key_pair()


@pytest.fixture
def config_overrides(tmp_path):
    return {
        "UPLOAD_MAX_BYTES": 4 * MB,
        "WEBHOOK_MAX_BYTES": 64 * 1024,
        "SENDGRID_WEBHOOK_PUBLIC_KEY": KEYS[1],
        "IMPORT_DIR": str(tmp_path / "imports"),
    }


@pytest.fixture
def staff(client):
    user = create_staff_user("admin")
    login(client, user)
    return user


class Untouchable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    reads = 0

    def readable(self):
        return True

    def read(self, size=-1):
        Untouchable.reads += 1
        raise AssertionError("the body was read")

    readinto = readline = read


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _members_csv(size: int) -> bytes:
    """A well-formed members file of about `size` bytes."""
    row = "person{},Alex,Jones," + "x" * 200 + "\r\n"
    lines = ["Email,First name,Last name,Notes\r\n"]
    total, i = len(lines[0]), 0
    while total < size:
        line = row.format(f"{i}@example.org")
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines).encode()


def _upload_members(client, content: bytes):
    page = client.get("/staff/members/import")
    return client.post(
        "/staff/members/import",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "file": (io.BytesIO(content), "members.csv"),
            "purposes": ["bulletin"],
            "method": "paper",
            "existing": "skip",
            "bad_rows": "skip",
        },
        content_type="multipart/form-data",
    )


def test_a_form_over_2_mb_is_refused_with_the_limit_named(client, staff):
    page = client.get("/staff/members/new")
    response = client.post(
        "/staff/members/new",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "email": "big@example.org",
            "first_name": "x" * (2 * MB + 1),
        },
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "What you sent is too large: this page takes up to 2 MB. Send less at a time." in text
    assert _count(Member) == 0


def test_a_member_file_of_3_mb_is_accepted(client, staff):
    content = _members_csv(3 * MB)
    assert len(content) > 3 * MB
    response = _upload_members(client, content)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    batch = db.session.scalar(select(ImportBatch))
    assert response.headers["Location"].endswith(f"/import/{batch.id}/columns")
    assert batch.row_estimate == content.count(b"\r\n") - 1


def test_a_member_file_over_the_upload_limit_is_refused_and_nothing_kept(app, client, staff):
    response = _upload_members(client, _members_csv(5 * MB))
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "The file is too large" in text
    assert "this page takes files up to 4 MB. Split it into smaller files and upload each one." in text
    assert _count(ImportBatch) == 0
    folder = app.config["IMPORT_DIR"]
    assert not os.path.exists(folder) or os.listdir(folder) == []


UPLOADS = [
    ("/staff/organisations/import", "file", {"kind": "practices"}),
    ("/staff/representation/area/custom", "file", {"name": "Big area"}),
    ("/staff/panels/", "pool", {"source": "csv", "features": "gender"}),
]


@pytest.mark.parametrize(("path", "field", "fields"), UPLOADS, ids=["organisations", "custom-area", "panel-pool"])
def test_every_upload_takes_files_up_to_the_upload_limit(client, staff, path, field, fields):
    def post(size):
        data = {"csrf_token": csrf_token(client.get("/staff/members/import").get_data(as_text=True)), **fields}
        data[field] = (io.BytesIO(b"a,b\r\n" + b"x" * size), "big.csv")
        return client.post(path, data=data, content_type="multipart/form-data")

    # 3 MB passes the 2 MB limit of other forms and reaches the page, which judges the file itself.
    assert post(3 * MB).status_code != 413
    refused = post(5 * MB)
    assert refused.status_code == 413
    assert "this page takes files up to 4 MB" in refused.get_data(as_text=True)


def test_a_webhook_body_over_its_limit_is_413_and_stores_nothing(client):
    # 1 MB: within what other requests may send, over the webhook's own 64 KB.
    events = [{"event": "delivered", "sg_event_id": f"e{i}", "padding": "x" * 1000} for i in range(1000)]
    body = json.dumps(events).encode()
    response = client.post("/webhooks/sendgrid", data=body, headers=sign_webhook(KEYS[0], body))
    assert response.status_code == 413 and response.is_json
    assert response.get_json() == {
        "status": 413,
        "message": "The request body is too large: this address takes at most 64 KB (65536 bytes). "
        "Send less at a time.",
    }
    assert _count(WebhookBatch) == 0 and _count(TrackingEvent) == 0


def test_an_api_body_over_the_limit_is_413_as_json(client):
    _, secret = auth.create_api_token("big client", "engagement")
    body = json.dumps({"email": "big@example.org", "first_name": "x" * (3 * MB)})
    response = client.post(
        "/api/v1/members", data=body, content_type="application/json", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 413 and response.is_json
    assert "at most 2 MB (2097152 bytes)" in response.get_json()["message"]
    assert _count(Member) == 0


@pytest.mark.parametrize(
    ("path", "content_type", "expected"),
    [
        ("/staff/members/new", "application/x-www-form-urlencoded", "this page takes up to 2 MB"),
        ("/staff/members/import", "multipart/form-data; boundary=x", "this page takes files up to 4 MB"),
        ("/webhooks/sendgrid", "application/json", "at most 64 KB"),
    ],
    ids=["form", "upload", "webhook"],
)
def test_a_big_content_length_is_refused_without_reading_the_body(client, staff, path, content_type, expected):
    Untouchable.reads = 0
    response = client.post(
        path,
        content_type=content_type,
        environ_overrides={"wsgi.input": Untouchable(), "CONTENT_LENGTH": str(10 * 1024 * MB)},
    )
    assert response.status_code == 413
    assert expected in response.get_data(as_text=True)
    assert Untouchable.reads == 0


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(client, staff):
    # A server that ends chunked bodies itself says so with wsgi.input_terminated; werkzeug then
    # counts what is read and stops at the limit.
    body = io.BytesIO(b"first_name=" + b"x" * (3 * MB))
    environ = {"wsgi.input": body, "wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"}
    response = client.post(
        "/staff/members/new", content_type="application/x-www-form-urlencoded", environ_overrides=environ
    )
    assert response.status_code == 413
    assert "this page takes up to 2 MB" in response.get_data(as_text=True)
    assert body.tell() <= 2 * MB + 64 * 1024
    small = {**environ, "wsgi.input": io.BytesIO(b"first_name=Alex")}
    within = client.post(
        "/staff/members/new", content_type="application/x-www-form-urlencoded", environ_overrides=small
    )
    assert within.status_code == 400 and "The form had expired" in within.get_data(as_text=True)


def test_a_form_under_the_limit_with_too_much_text_says_so(client, staff):
    # Within 2 MB, but past the text a form may hold in memory (Flask's MAX_FORM_MEMORY_SIZE).
    response = client.post("/staff/members/new", data={"first_name": "x" * (MB)})
    assert response.status_code == 413
    assert "The form holds too much text: this page takes up to 488 KB of text" in response.get_data(as_text=True)
