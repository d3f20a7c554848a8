"""Whatever staff post to the choose-the-columns step of a member import: never an error page,
a refusal writes nothing, and a kept choice is exactly the columns chosen."""

from collections import Counter

import pytest
from hypothesis import given

from app.extensions import db
from app.members.import_models import ImportBatch
from app.members.import_reader import FIELDS
from tests.factories import csrf_token
from tests.fuzz.forms import FUZZ, Field, assert_refused_cleanly, form, never_an_error, post, received, row_counts
from tests.member_transfer.test_import_pages import signed_in, upload

HEADERS = [
    "Email",
    "First name",
    "Surname",
    "Name",
    "Postcode",
    "DOB",
    "Practice code",
    "Topics",
    "Contact type",
    "Notes",
]
FILE = (",".join(HEADERS) + "\r\n" + "ann@example.org,Ann,Smith,Ann Smith,WV1 1AA,,,,resident,hi\r\n").encode()


@pytest.fixture
def config_overrides(tmp_path):
    return {"IMPORT_DIR": str(tmp_path / "imports")}


def test_choosing_columns_refuses_cleanly_or_keeps_the_columns_chosen(app, client):
    signed_in(client)
    uploaded = upload(client, FILE)
    assert uploaded.status_code == 302
    url = uploaded.headers["Location"]
    token = csrf_token(client.get(url).get_data(as_text=True))
    [batch] = db.session.scalars(db.select(ImportBatch))
    # Each field's own column (or none) is a good choice; another field's column, or one the
    # file does not have, is not.
    own = {"email": "Email", "first_name": "First name", "last_name": "Surname", "full_name": "Name",
           "postcode": "Postcode", "date_of_birth": "DOB", "practice_code": "Practice code",
           "topics": "Topics", "contact_type": "Contact type", "phone": "Notes"}  # fmt: skip
    bad = ("Not a column", "email", " Email", "0", *HEADERS)
    fields = {f"map_{name}": Field(["", own[name]] if name in own else [""], bad=bad) for name in FIELDS}
    fields["map_email"] = Field(["Email"], bad=("", "Nope", "Notes"))
    seen = Counter()

    @FUZZ
    @given(pairs=form(fields, extra_names=["map_password", "map_", "mapping"]))
    def posting(pairs):
        before = row_counts()
        response, raw = post(client, url, pairs, token)
        never_an_error(response)
        seen[response.status_code] += 1
        if response.status_code == 302:
            sent = received(raw)
            db.session.expire_all()
            kept = db.session.get(ImportBatch, batch.id)
            chosen = {name: sent.get(f"map_{name}") for name in FIELDS if sent.get(f"map_{name}")}
            assert kept.mapping == chosen
            assert kept.status == "checked"
            assert db.session.scalar(db.select(db.func.count()).select_from(ImportBatch)) == 1
        else:
            assert_refused_cleanly(response, before)

    posting()
    assert seen[302] and seen[400], seen
