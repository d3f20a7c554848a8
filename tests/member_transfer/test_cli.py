"""`flask members import` and `flask members export`."""

import csv

from openpyxl import load_workbook

from app.extensions import db
from app.members.models import Member
from app.members.services import find_by_email
from tests.factories import create_member
from tests.member_transfer.files import write_csv


def members():
    return db.session.scalar(db.select(db.func.count()).select_from(Member))


def test_cli_import_and_dry_run(app, tmp_path):
    path = write_csv(tmp_path / "in.csv", ["ann@example.org,Ann,Smith,,,,,", "bob@example.org,Bob,Jones,,,,,"])
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["members", "import", path, "--dry-run", "--purposes", "bulletin"])
    assert dry.exit_code == 0, dry.output
    assert "2 new" in dry.output and "nothing was written" in dry.output
    assert members() == 0

    real = runner.invoke(args=["members", "import", path, "--purposes", "bulletin,surveys", "--method", "paper"])
    assert real.exit_code == 0, real.output
    ann = find_by_email("ann@example.org")
    assert sorted((c.purpose, c.method) for c in ann.consents) == [("bulletin", "paper"), ("surveys", "paper")]


def test_cli_dry_run_needs_no_consent_basis_and_lists_the_rows_it_would_skip(app, tmp_path):
    create_member("held@example.org")
    path = write_csv(
        tmp_path / "in.csv",
        ["ann@example.org,Ann,Smith,,,,,", "HELD@example.org,Held,Already,,,,,", "Ann@Example.org,Ann,Again,,,,,"],
    )

    dry = app.test_cli_runner().invoke(args=["members", "import", path, "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "line 3: skipped: Already a member; left as it is" in dry.output
    assert "line 4: skipped: Same email address as line 2" in dry.output
    assert "1 new" in dry.output and "2 skipped" in dry.output and "nothing was written" in dry.output
    assert "--purposes" in dry.output
    assert members() == 1


def test_cli_import_refuses_a_file_with_bad_rows(app, tmp_path):
    path = write_csv(tmp_path / "bad.csv", ["ann@example.org,Ann,Smith,,,,,", "nope,Bob,Jones,,,,,"])
    runner = app.test_cli_runner()

    result = runner.invoke(args=["members", "import", path, "--purposes", "bulletin"])

    assert result.exit_code != 0
    assert "line 3: Email address is not in the correct format" in result.output
    assert "Nothing was imported" in result.output
    assert members() == 0

    skipping = runner.invoke(args=["members", "import", path, "--purposes", "bulletin", "--skip-bad-rows"])
    assert skipping.exit_code == 0 and members() == 1


def test_cli_import_needs_the_consent_basis(app, tmp_path):
    path = write_csv(tmp_path / "in.csv", ["ann@example.org,Ann,Smith,,,,,"])
    result = app.test_cli_runner().invoke(args=["members", "import", path])
    assert result.exit_code != 0
    assert "Choose what the people in the file agreed to" in result.output


def test_cli_import_updates_existing_when_asked(app, tmp_path):
    create_member("ann@example.org", last_name="Old")
    path = write_csv(tmp_path / "in.csv", ["ann@example.org,Ann,New,,,,,"])
    runner = app.test_cli_runner()

    runner.invoke(args=["members", "import", path, "--purposes", "bulletin"])
    assert find_by_email("ann@example.org").last_name == "Old"

    result = runner.invoke(args=["members", "import", path, "--purposes", "bulletin", "--update-existing"])
    assert "1 updated" in result.output
    db.session.expire_all()
    assert find_by_email("ann@example.org").last_name == "New"


def test_cli_export_csv_and_xlsx_round_trip(app, tmp_path):
    create_member("ann@example.org", first_name="Zoë", last_name="Smith", phone="+44 7700 900123")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["members", "export", str(tmp_path / "out.csv")])
    assert result.exit_code == 0 and "Exported 1 members" in result.output
    with open(tmp_path / "out.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["First name"] == "Zoë" and rows[0]["Phone"] == "'+44 7700 900123"

    runner.invoke(args=["members", "export", str(tmp_path / "out.xlsx")])
    sheet = load_workbook(tmp_path / "out.xlsx").active
    assert sheet.cell(2, 1).value == "ann@example.org"

    again = runner.invoke(args=["members", "import", str(tmp_path / "out.csv"), "--dry-run", "--purposes", "bulletin"])
    assert "1 skipped" in again.output and "0 with problems" in again.output


def test_cli_export_rejects_other_extensions(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["members", "export", str(tmp_path / "out.pdf")])
    assert result.exit_code != 0 and ".csv or .xlsx" in result.output
