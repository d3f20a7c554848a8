"""Every column that can hold personal data has a registered holder that answers for it.

"Download my data", erasure and retention run over the holders registered with
app/personal_data.py, so a table that no holder covers would silently fall out of all
three. The walk below reads every table SQLAlchemy knows and fails on a column that looks
personal (a link to a member, a name like an address or an answer, free text or JSON) unless
a holder covers it or it is in the reviewed list of columns judged not personal, with why.
"""

import ast
import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.members import links
from app.members.models import Member
from app.personal_data import Holder, holders, register
from app.rosters import events, meetings, payments
from app.rosters.models import Payment, Registration
from app.surveys.models import Response
from tests.factories import create_member, csrf_token
from tests.rosters.factories import add, create_meeting, create_roster
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response

APP = Path(__file__).resolve().parents[1] / "app"

# Parts of a column's name (split at underscores) that say it may hold something about a person.
PERSONAL_WORDS = {
    "email",
    "name",
    "postcode",
    "phone",
    "address",
    "birth",
    "ip",
    "agent",
    "answer",
    "answers",
    "value",
    "note",
    "needs",
    "detail",
    "text",
    "body",
    "raw",
    "message",
    "reason",
    "ethnic",
    "sex",
    "gender",
    "orientation",
    "disability",
    "religion",
    "age",
    "language",
    "heard",
}

# Columns that look personal but are not a member's personal data, as reviewed: (table, columns, why).
NOT_PERSONAL = [
    ("topic", ("name",), "a topic staff offer to everyone"),
    ("consent", ("wording",), "the organisation's words the person agreed to, the same for everyone"),
    ("erasure_record", ("reason",), "why a record was erased, from a fixed list; nothing says whose"),
    ("staff_user", ("email", "name"), "a staff account's own details, managed on the staff accounts pages"),
    ("api_token", ("name",), "what staff called an API token"),
    ("audit_log_entry", ("detail",), "ids and counts only, never names or addresses (app/audit/models.py)"),
    ("site_setting", ("value",), "a setting an administrator chose"),
    ("import_batch", ("stored_name",), "the random name of an upload, deleted when it expires"),
    ("import_batch", ("headers", "mapping", "options"), "a file's column headings and staff's choices for them"),
    ("import_batch", ("report", "message"), "counts and line numbers only (ImportReport)"),
    ("practice", ("name", "postcode"), "a GP practice, not a person"),
    ("pcn", ("name",), "a Primary Care Network"),
    ("place", ("name", "icb_name"), "a place or ICB area"),
    ("practice_list_size", ("sex", "age_band"), "a practice's published patient counts"),
    ("baseline", ("area_name",), "a published population count's area"),
    ("served_area", ("area_codes",), "the local authorities the organisation serves"),
    ("postcode_area", ("postcode",), "the ONS Postcode Directory: postcodes and their areas, nobody's address"),
    ("representation_audit", ("inputs", "results"), "an audit's choices and its published, protected figures"),
    ("roster", ("name", "purpose"), "a group, as staff describe it"),
    ("roster", ("min_age", "max_age", "contact_types"), "who a group is open to: its rules, nobody's age"),
    ("roster_membership", ("end_reason",), "why a membership ended, from a fixed list"),
    ("meeting", ("description", "accessibility"), "what staff wrote about a meeting or event"),
    ("survey", ("introduction", "privacy_notice", "thank_you"), "a survey's pages as staff wrote them"),
    ("survey", ("we_asked", "you_said", "we_did"), "a survey's published outcome, written by staff"),
    ("survey_page", ("show_if",), "a survey's skip logic"),
    ("survey_translation", ("language", "text", "source"), "a survey's wording in Welsh or Urdu, written by staff"),
    ("question", ("text", "help_text", "options", "rows", "settings", "show_if"), "a question as staff wrote it"),
    ("bank_question", ("text", "help_text", "options", "rows", "settings"), "a saved question"),
    ("survey_theme", ("name",), "a code of a coding frame, named by staff"),
    ("survey_answer_theme", ("answer_id",), "which theme staff gave an answer; the answer is surveys'"),
    ("bulletin_template", ("name", "body_markdown"), "a bulletin design"),
    ("audience", ("name", "filter"), "a saved segment: a filter over member fields, naming nobody"),
    ("campaign", ("name", "from_name", "from_address"), "a bulletin and the organisation it comes from"),
    (
        "campaign",
        ("body_markdown", "prepared_html", "prepared_text", "sms_text"),
        "a bulletin's content, with merge fields",
    ),
    ("campaign", ("blocks",), "a bulletin's content as blocks, with merge fields"),
    ("bulletin_template", ("blocks",), "a template's content as blocks, with merge fields"),
    ("campaign", ("easy_read",), "a bulletin's easy read version, written by staff for everyone who needs it"),
    ("bulletin_image", ("file_name",), "a random name for a picture published in bulletins"),
    ("campaign", ("status_reason",), "why a send paused or stopped"),
    ("delivery", ("provider_message_id",), "the provider's id for a message"),
    ("tracking_event", ("reason",), "why an open or click was judged human or machine"),
    ("suppression", ("reason",), "bounce, complaint or unsubscribe"),
    ("webhook_batch", ("body_sha256",), "a digest, so a body sent twice is stored once"),
    ("signup_event", ("name",), "an event or venue where people sign up, named by staff"),
    ("panel_draw", ("message",), "what a draw reported: infeasible quotas, a time-out"),
]


def _looks_personal(column: sa.Column) -> bool:
    if any(fk.column.table.name == "member" for fk in column.foreign_keys):
        return True
    if PERSONAL_WORDS & set(re.split(r"_+", column.name)) or "useragent" in column.name:
        return True
    return isinstance(column.type, sa.Text | sa.JSON)


def _columns_that_look_personal() -> set[tuple[str, str]]:
    return {(t.name, c.name) for t in db.metadata.sorted_tables for c in t.columns if _looks_personal(c)}


def _covered() -> dict[tuple[str, str], str]:
    return {(table, column): h.name for h in holders() for table, columns in h.covers.items() for column in columns}


def _reviewed() -> set[tuple[str, str]]:
    return {(table, column) for table, columns, _ in NOT_PERSONAL for column in columns}


def test_every_column_that_can_hold_personal_data_has_a_holder(app):
    answered_for = set(_covered()) | _reviewed()
    unanswered = sorted(_columns_that_look_personal() - answered_for)
    assert not unanswered, (
        f"No registered holder of personal data covers {unanswered}: declare them in the domain's"
        " personal_data.py (download, erasure, what is kept), or add them to NOT_PERSONAL with a reason"
    )


def test_holders_and_the_reviewed_list_name_real_columns_and_do_not_disagree(app):
    real = {(t.name, c.name) for t in db.metadata.sorted_tables for c in t.columns}
    assert set(_covered()) <= real, f"holders cover columns that do not exist: {sorted(set(_covered()) - real)}"
    assert _reviewed() <= real, f"NOT_PERSONAL names columns that do not exist: {sorted(_reviewed() - real)}"
    both = sorted(_reviewed() & set(_covered()))
    assert not both, f"covered by a holder and judged not personal: {both}"
    unflagged = sorted(_reviewed() - _columns_that_look_personal())
    assert not unflagged, f"NOT_PERSONAL lists columns the walk does not flag: {unflagged}"


def test_every_domain_holding_personal_data_is_registered_in_a_fixed_order(app):
    # The member's own record first in a download (and erased last); the rest by name.
    assert [h.name for h in holders()] == [
        "members",
        "bulletins",
        "panels",
        "pending_signup_changes",
        "rosters",
        "surveys",
    ]
    assert holders() == holders()


def test_a_second_holder_of_one_download_section_is_refused(app):
    clash = Holder(
        name="copy",
        label="A copy of the groups",
        covers={"roster_membership": ("member_id",)},
        sections=("group_memberships",),
        export=lambda member: {"group_memberships": []},
        kept="nothing",
    )
    with pytest.raises(ValueError, match="group_memberships"):
        register(clash)
    assert "copy" not in [h.name for h in holders()]


def test_a_holder_that_erases_nothing_must_say_what_it_keeps():
    with pytest.raises(ValueError, match="keeps"):
        Holder(name="silent", label="Silent", covers={"delivery": ("member_id",)})


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


HIGHER = ("rosters", "surveys", "newsletters", "panels", "representation", "public", "maintenance", "demo")


def test_members_and_the_registry_import_no_domain_built_on_members():
    found = []
    for path in [APP / "personal_data.py", *sorted((APP / "members").rglob("*.py"))]:
        for module in sorted(_imports(path)):
            if module.split(".")[:2] in [["app", name] for name in HIGHER]:
                found.append(f"{path.relative_to(APP.parent)} imports {module}")
            elif path.name == "personal_data.py" and path.parent == APP and module.startswith("app"):
                found.append(f"app/personal_data.py imports {module}")
    assert found == []


# ----- the download and erasure still reach rosters and surveys ------------------------------


@pytest.fixture
def sam(app):
    """Sam: chair of a group, paid for a meeting, booked on an event others wait for, answered a survey."""
    sam = create_member("sam@example.org", first_name="Sam", last_name="Patel")
    cabinet = create_roster("Patient Cabinet")
    add(cabinet, sam, role="chair", starts_on=date(2026, 1, 1))
    meeting = create_meeting(cabinet, starts_at=datetime(2026, 2, 3, 18, 0), title="Cabinet, February")
    meetings.mark_attendance(meeting, {sam.id: "attended"})
    attended = next(iter(meetings.marks_by_key(meeting).values()))
    payments.add_payment(attended, "involvement", 2500, date(2026, 2, 10), "Paid to Sam Patel's account")
    big_chat = create_meeting(
        None, clock.now() + timedelta(days=14), title="Big Chat", capacity=1, registration_open=True
    )
    events.register(big_chat, "Sam Patel", "sam@example.org", "Hearing loop", member_id=sam.id)
    events.register(big_chat, "Ann Able", "ann@example.org")
    travel = create_survey("Travelling to your GP")
    create_response(travel, {questions_of(travel)[1].id: "A later bus for Sam"}, member=sam)
    return sam


def _preferences(client, member) -> tuple[str, str]:
    path = links.preferences_url(member).replace("http://localhost", "")
    return path, csrf_token(client.get(path).get_data(as_text=True))


def test_download_holds_every_holders_sections_rosters_and_surveys_included(client, sam):
    path, token = _preferences(client, sam)
    data = json.loads(client.post(path + "/download", data={"csrf_token": token}).get_data(as_text=True))

    assert list(data) == [section for h in holders() for section in h.sections]
    assert data["member"]["first_name"] == "Sam"
    assert [m["group"] for m in data["group_memberships"]] == ["Patient Cabinet"]
    assert data["attendance"][0]["payments"][0]["note"] == "Paid to Sam Patel's account"
    assert [(r["event"], r["access_needs"]) for r in data["event_registrations"]] == [("Big Chat", "Hearing loop")]
    assert data["survey_responses"][0]["answers"] == [
        {"question": "What would make it easier?", "answer": "A later bus for Sam"}
    ]


def test_erasure_empties_rosters_data_passes_the_place_on_and_keeps_survey_results(client, sam, outbox):
    path, token = _preferences(client, sam)
    assert client.post(path + "/erase", data={"csrf_token": token, "confirm": "yes"}).status_code == 200

    db.session.expire_all()
    member = db.session.get(Member, sam.id)
    assert (member.status, member.email, member.first_name) == ("erased", None, "")
    places = {(r.name, r.email, r.access_needs, r.status) for r in db.session.scalars(db.select(Registration))}
    assert places == {("(erased)", None, "", "cancelled"), ("Ann Able", "ann@example.org", "", "registered")}
    assert [m["to"] for m in outbox() if m["subject"].startswith("A place is now free")] == ["ann@example.org"]
    assert db.session.scalars(db.select(Payment.note)).all() == [""]
    assert db.session.scalar(db.select(Payment.amount_pence)) == 2500, "what was paid still adds up"
    kept = db.session.scalars(db.select(Response)).all()
    assert [r.member_id for r in kept] == [sam.id], "the survey's results still count the response"
