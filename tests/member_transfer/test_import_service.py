"""Importing a members file through the service the pages, job and CLI share."""

from datetime import date

import pytest

from app.audit.models import AuditLogEntry
from app.errors import InvalidRequest
from app.extensions import db
from app.members.import_checks import _emails
from app.members.import_reader import ImportFileError, guess_mapping, read_members_file
from app.members.importer import ImportOptions, import_file, preview_file
from app.members.models import Consent, Member, MemberEvent
from app.members.services import ensure_default_topics, find_by_email
from app.members.vocab import CONSENT_PURPOSES
from app.validation import normalise_email
from tests.factories import create_member, create_practice
from tests.member_transfer.files import write_csv, write_xlsx


def run(path, kind=".csv", **options):
    mapping = guess_mapping(read_members_file(path, kind).headers)
    opts = ImportOptions(purposes=options.pop("purposes", ["bulletin", "surveys"]), method="paper", **options)
    return import_file(path, kind, mapping, opts)


def member_count():
    return db.session.scalar(db.select(db.func.count()).select_from(Member))


def test_good_file_creates_active_members_with_consents_topics_and_timeline(app, tmp_path):
    ensure_default_topics()
    practice = create_practice("M92001")
    path = write_csv(
        tmp_path / "good.csv",
        [
            "ann@example.org,Ann,Smith,wv1 1aa,27/03/1987,m92001,Mental health;maternity,carer",
            "Bob@Example.ORG,Bob,Jones,,1990-01-31,,,",
        ],
    )

    report = run(path)

    assert (report.new, report.bad, report.committed) == (2, 0, True)
    ann = find_by_email("ann@example.org")
    assert ann.status == "active"
    assert (ann.first_name, ann.last_name, ann.postcode) == ("Ann", "Smith", "WV1 1AA")
    assert ann.date_of_birth == date(1987, 3, 27)
    assert ann.practice_id == practice.id
    assert ann.contact_type == "carer"
    assert sorted(t.slug for t in ann.topics) == ["maternity", "mental-health"]
    consents = {c.purpose: c for c in ann.consents}
    assert set(consents) == {"bulletin", "surveys"}
    assert consents["bulletin"].method == "paper"
    assert consents["bulletin"].wording == CONSENT_PURPOSES["bulletin"][1]
    assert [e.kind for e in ann.events] == ["imported"]
    bob = find_by_email("bob@example.org")
    assert bob.email == "Bob@example.org"
    assert bob.contact_type == "resident"
    entry = db.session.scalar(db.select(AuditLogEntry).where(AuditLogEntry.action == "import"))
    assert "new: 2" in entry.detail
    assert "ann" not in entry.detail.lower()


def test_utf8_with_bom_and_windows_1252_keep_accents(app, tmp_path):
    header = "Email,Forename,Last name,Notes"
    bom = write_csv(tmp_path / "bom.csv", ["zoe@example.org,Zoë,Brontë,paid £5"], encoding="utf-8-sig", header=header)
    excel = write_csv(tmp_path / "excel.csv", ["chloe@example.org,Chloé,Müller,£10"], encoding="cp1252", header=header)

    assert read_members_file(bom, ".csv").headers[0] == "Email"
    assert run(bom).new == 1
    report = run(excel)

    assert report.new == 1 and report.encoding == "windows-1252"
    assert find_by_email("zoe@example.org").full_name == "Zoë Brontë"
    assert find_by_email("chloe@example.org").full_name == "Chloé Müller"


def test_text_in_no_known_encoding_is_refused_with_a_reason(app, tmp_path):
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Email,Name\r\nx@example.org,\x81\x8d\x90\r\n")

    with pytest.raises(ImportFileError, match="encoding was not recognised"):
        run(str(path))
    assert member_count() == 0


@pytest.mark.parametrize("bad_line", [2, 3])
def test_a_row_with_an_unquoted_comma_is_named_and_nothing_is_imported(app, tmp_path, bad_line):
    rows = [
        "Email,First name,Last name",
        "ann@example.org,Ann,Lee",
        "bob@example.org,Bob,Smith",
        "cy@example.org,Cy,Ng",
    ]
    rows[bad_line - 1] = rows[bad_line - 1].replace("Lee", "Lee, Jr").replace("Smith", "1 High St, Leeds")
    path = tmp_path / "comma.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(ImportFileError) as refused:
        run(str(path))
    message = str(refused.value)
    assert f"Line {bad_line} " in message and "double quotes" in message
    assert "email address" not in message.lower()
    assert member_count() == 0


def test_xlsx_with_date_cells_and_excel_day_numbers(app, tmp_path):
    path = write_xlsx(
        tmp_path / "members.xlsx",
        [
            ["dee@example.org", "Dee", "Evans", "WV2 2BB", date(1975, 6, 1), None, None, None],
            ["eve@example.org", "Eve", "Ford", None, 32874, None, None, "Patient"],
        ],
    )

    report = run(path, kind=".xlsx")

    assert report.new == 2
    assert find_by_email("dee@example.org").date_of_birth == date(1975, 6, 1)
    eve = find_by_email("eve@example.org")
    assert eve.date_of_birth == date(1990, 1, 1)
    assert eve.contact_type == "patient"


def test_file_without_an_email_column_imports_nothing(app, tmp_path):
    path = write_csv(tmp_path / "wrong.csv", ["Ann,Smith"], header="Name,Surname")

    with pytest.raises(InvalidRequest, match="no column of email addresses"):
        run(path)
    assert member_count() == 0


def test_file_with_only_a_header_is_refused(app, tmp_path):
    path = write_csv(tmp_path / "empty.csv", [])

    with pytest.raises(ImportFileError, match="no rows of members"):
        run(path)


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(app, tmp_path):
    create_practice("M92001")
    path = write_csv(
        tmp_path / "bad.csv",
        [
            "good@example.org,Good,Row,,,,,",
            "not-an-email,Bad,Email,,,,,",
            "",
            "pc@example.org,Bad,Postcode,XX1,31/02/1980,Z99999,knitting,alien",
            '"multi@example.org","Two',
            'lines",Name,,,,,',
            "future@example.org,Future,Born,,2999-01-01,,,",
        ],
    )

    report = run(path)

    assert report.committed is False
    assert member_count() == 0
    errors = dict(report.errors)
    assert set(errors) == {3, 5, 8}
    assert "Email address is not in the correct format" in errors[3]
    for expected in ("Postcode", "real date", "Z99999", "alien", "knitting"):
        assert expected in errors[5]
    assert "future" in errors[8]


def test_skipping_bad_rows_imports_only_the_good_ones(app, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", ["good@example.org,G,R,,,,,", "bad@,B,R,,,,,"])

    report = run(path, refuse_if_bad=False)

    assert (report.new, report.bad, report.committed) == (1, 1, True)
    assert member_count() == 1
    assert report.errors[0][0] == 3


def test_unknown_practice_code_is_a_bad_row(app, tmp_path):
    create_practice("M92001")
    path = write_csv(tmp_path / "p.csv", ["a@example.org,A,B,,,M92001,,", "b@example.org,A,B,,,M99999,,"])

    report = preview_file(
        path, ".csv", guess_mapping(read_members_file(path, ".csv").headers), ImportOptions(["bulletin"])
    )

    assert report.errors == [[3, "GP practice code M99999 is not a known practice"]]


def test_repeats_in_the_file_are_skipped_with_the_line_they_repeat(app, tmp_path):
    path = write_csv(tmp_path / "dup.csv", ["sam@example.org,Sam,A,,,,,", "SAM@example.org,Sam,B,,,,,"])

    report = run(path)

    assert (report.new, report.skipped) == (1, 1)
    assert report.skipped_rows == [[3, "Same email address as line 2"]]
    assert find_by_email("sam@example.org").last_name == "A"


def test_existing_members_are_left_alone_when_skipping(app, tmp_path):
    create_member("kim@example.org", first_name="Kim", last_name="Old", postcode="WV1 1AA")
    path = write_csv(tmp_path / "known.csv", ["KIM@example.org,Kim,New,WV3 3DB,,,,"])

    report = run(path)

    assert (report.new, report.updated, report.skipped) == (0, 0, 1)
    assert find_by_email("kim@example.org").last_name == "Old"


def test_existing_members_are_updated_when_asked(app, tmp_path):
    ensure_default_topics()
    kim = create_member("kim@example.org", first_name="Kim", last_name="Old", postcode="WV1 1AA", purposes=["bulletin"])
    path = write_csv(tmp_path / "known.csv", ["KIM@example.org,,New,,,,Maternity,"])

    report = run(path, update_existing=True, purposes=["bulletin", "involvement"])

    assert (report.new, report.updated) == (0, 1)
    db.session.expire_all()
    kim = find_by_email("kim@example.org")
    assert (kim.first_name, kim.last_name, kim.postcode) == ("Kim", "New", "WV1 1AA")
    assert [t.slug for t in kim.topics] == ["maternity"]
    live = sorted(c.purpose for c in kim.consents if c.withdrawn_at is None)
    assert live == ["bulletin", "involvement"]
    event = db.session.scalar(
        db.select(MemberEvent).where(MemberEvent.member_id == kim.id, MemberEvent.kind == "imported")
    )
    assert "last_name" in event.detail and "New" not in event.detail


def test_unsubscribed_member_is_not_signed_up_again_by_an_update(app, tmp_path):
    create_member("una@example.org", status="unsubscribed", purposes=["bulletin"])
    path = write_csv(tmp_path / "u.csv", ["una@example.org,Una,New,,,,,"])

    run(path, update_existing=True, purposes=["surveys"])

    una = find_by_email("una@example.org")
    assert una.status == "unsubscribed"
    assert not [c for c in una.consents if c.purpose == "surveys"]


def test_preview_writes_nothing(app, tmp_path):
    path = write_csv(tmp_path / "dry.csv", ["a@example.org,A,B,,,,,"])

    report = preview_file(
        path, ".csv", guess_mapping(read_members_file(path, ".csv").headers), ImportOptions(["bulletin"])
    )

    assert report.new == 1
    assert member_count() == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Consent)) == 0


def test_fast_email_check_agrees_with_the_form_check(app):
    import pandas as pd

    samples = [
        "A.B@Example.ORG",
        "x+tag@sub.example.co.uk",
        "o'neil@example.ie",
        "a@b",
        "a..b@example.org",
        "a@example.test",
        "ünï@example.org",
        "a@-example.org",
        "user@[127.0.0.1]",
        "a b@example.org",
    ]
    emails, problems = _emails(pd.Series(samples, dtype=object))
    for raw, email, problem in zip(samples, emails, problems, strict=True):
        try:
            expected = normalise_email(raw)
        except ValueError:
            expected = None
        assert (email if not problem else None) == expected, raw
