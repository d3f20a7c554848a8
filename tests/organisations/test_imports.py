"""Importing practices, PCNs and list sizes: every row checked, then all or nothing."""

from app.extensions import db
from app.organisations import imports
from app.organisations.models import PCN, ListSize, Place, Practice
from tests.factories import create_pcn, create_practice

GOOD = b"""practice_code,practice_name,postcode,pcn_code,pcn_name,place_code,place_name
M92001,High Street Surgery,wv1 1aa,U11111,North PCN,WOL,Wolverhampton
M92002,Park Lane Practice,WV2 2BB,U11111,,,
M92003,Station Road Medical Centre,WV3 3CC,U22222,South PCN,WOL,
"""


def test_practice_file_creates_practices_pcns_and_places():
    report = imports.import_practices(GOOD)
    assert report.errors == [] and report.created == 3
    practice = db.session.scalar(db.select(Practice).where(Practice.ods_code == "M92002"))
    assert practice.pcn.code == "U11111" and practice.pcn.name == "North PCN"
    assert practice.pcn.place.name == "Wolverhampton"
    assert db.session.scalar(db.select(db.func.count()).select_from(PCN)) == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Place)) == 1


def test_unknown_pcn_code_rejects_the_whole_file_with_line_numbers():
    raw = b"practice_code,practice_name,pcn_code\nM92001,Good Surgery,\nM92002,Bad Surgery,U99999\nX1,Worse,\n"
    report = imports.import_practices(raw)
    assert (3, "unknown PCN code U99999: add it first or give its name in pcn_name") in report.errors
    assert any(line == 4 and "not a practice ODS code" in message for line, message in report.errors)
    assert db.session.scalar(db.select(db.func.count()).select_from(Practice)) == 0


def test_duplicate_practice_in_file_is_reported():
    raw = b"practice_code,practice_name\nM92001,A\nM92001,B\n"
    report = imports.import_practices(raw)
    assert report.errors == [(3, "practice M92001 is also on line 2")]


def test_ods_epraccur_layout_without_header_is_read_by_position_and_closed_practices_skipped():
    row = [
        "M92001",
        "HIGH STREET SURGERY",
        "Y60",
        "QUA",
        "1 HIGH ST",
        "",
        "WOLVERHAMPTON",
        "",
        "",
        "WV1 1AA",
        "19740401",
        "",
        "A",
        "B",
        "D2P2L",
        "20130401",
        "",
        "0123",
        "",
        "",
        "",
        "",
        "",
        "",
        "4",
        "",
        "",
    ]
    closed = ["M92009", "OLD SURGERY"] + row[2:12] + ["C"] + row[13:]
    raw = (",".join(row) + "\n" + ",".join(closed) + "\n").encode()
    report = imports.import_practices(raw)
    assert report.created == 1 and report.skipped == 1
    practice = db.session.scalar(db.select(Practice))
    assert practice.name == "HIGH STREET SURGERY" and practice.postcode == "WV1 1AA"


def test_ods_pcn_core_partner_headers_are_accepted():
    raw = b"Partner Organisation Code,Partner Name,PCN Code,PCN Name\nM92001,High Street,U11111,North PCN\n"
    report = imports.import_practices(raw)
    assert report.created == 1
    assert db.session.scalar(db.select(Practice)).pcn.name == "North PCN"


def test_windows_1252_file_is_read():
    raw = "practice_code,practice_name\nM92001,Caf\xe9 Surgery\n".encode("cp1252")
    imports.import_practices(raw)
    assert db.session.scalar(db.select(Practice)).name == "Caf\xe9 Surgery"


def test_dry_run_saves_nothing():
    report = imports.import_practices(GOOD, dry_run=True)
    assert report.created == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(Practice)) == 0


def test_reimport_updates_and_dates_a_pcn_move():
    imports.import_practices(GOOD)
    imports.import_practices(b"practice_code,practice_name,pcn_code\nM92001,High Street Surgery,U22222\n")
    practice = db.session.scalar(db.select(Practice).where(Practice.ods_code == "M92001"))
    assert practice.pcn.code == "U22222" and practice.pcn_changed_at is not None


LIST = b"""PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,ORG_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS
GP_PRAC_PAT_LIST,01Oct2026,GP,D2P2L,E38000,M92001,WV1 1AA,ALL,ALL,1500
GP_PRAC_PAT_LIST,01Oct2026,GP,D2P2L,E38000,M92001,WV1 1AA,FEMALE,0_4,40
GP_PRAC_PAT_LIST,01Oct2026,GP,D2P2L,E38000,M92001,WV1 1AA,MALE,0_4,45
GP_PRAC_PAT_LIST,01Oct2026,GP,D2P2L,E38000,M92001,WV1 1AA,MALE,95+,3
GP_PRAC_PAT_LIST,01Oct2026,GP,D2P2L,E38000,Z99999,ZZ1 1ZZ,MALE,0_4,45
"""


def test_list_sizes_store_bands_and_skip_totals_and_other_practices():
    practice = create_practice("M92001", pcn=create_pcn())
    report = imports.import_list_sizes(LIST)
    assert report.errors == [] and report.created == 3 and report.skipped == 2
    rows = db.session.scalars(db.select(ListSize).where(ListSize.practice_id == practice.id)).all()
    assert sorted((r.sex, r.age_band, r.patients) for r in rows) == [
        ("female", "0_4", 40),
        ("male", "0_4", 45),
        ("male", "95+", 3),
    ]
    assert rows[0].extract_date.isoformat() == "2026-10-01"


def test_list_sizes_bad_number_changes_nothing():
    create_practice("M92001")
    imports.import_list_sizes(LIST)
    bad = LIST.replace(b"FEMALE,0_4,40", b"FEMALE,0_4,forty")
    report = imports.import_list_sizes(bad)
    assert report.errors and "NUMBER_OF_PATIENTS" in report.errors[0][1]
    assert db.session.scalar(db.select(db.func.sum(ListSize.patients))) == 88
