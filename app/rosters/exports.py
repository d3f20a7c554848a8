"""Roster and attendance exports as CSV or XLSX. Callers audit the export."""

import csv
import io

from openpyxl import Workbook

from app.extensions import db
from app.members.models import Member
from app.rosters.models import Attendance, Meeting, RosterMembership
from app.rosters.vocab import ATTENDANCE, END_REASONS, ROLES
from app.spreadsheets import text_cell

MEMBERSHIP_HEADER = [
    "member_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "status",
    "starts_on",
    "ends_on",
    "term_ends_on",
    "end_reason",
]
MEETING_ATTENDANCE_HEADER = ["meeting_id", "meeting", "date", "member_id", "registration_id", "name", "attendance"]
ATTENDANCE_HEADER = ["meeting_id", "meeting", "date", "member_id", "first_name", "last_name", "attendance"]


def membership_rows(roster_id: int, include_history: bool = True):
    query = (
        db.select(RosterMembership, Member)
        .join(Member, Member.id == RosterMembership.member_id)
        .where(RosterMembership.roster_id == roster_id)
        .order_by(Member.last_name, Member.first_name, RosterMembership.starts_on)
    )
    if not include_history:
        query = query.where(RosterMembership.status != "ended")
    for m, member in db.session.execute(query):
        yield [
            member.id,
            member.first_name,
            member.last_name,
            member.email or "",
            member.phone,
            ROLES.get(m.role, m.role),
            m.status,
            m.starts_on,
            m.ends_on,
            m.term_ends_on,
            END_REASONS.get(m.end_reason, m.end_reason),
        ]


def attendance_rows(roster_id: int):
    query = (
        db.select(Meeting, Attendance, Member)
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .join(Member, Member.id == Attendance.member_id)
        .where(Meeting.roster_id == roster_id)
        .order_by(Meeting.starts_at, Member.last_name, Member.first_name)
    )
    for meeting, attendance, member in db.session.execute(query):
        yield [
            meeting.id,
            meeting.title,
            meeting.starts_at.date(),
            member.id,
            member.first_name,
            member.last_name,
            ATTENDANCE.get(attendance.status, attendance.status),
        ]


def meeting_attendance_rows(meeting: Meeting, people, marks: dict):
    """One row per person on the meeting's sign-in list, marked or not (members and other registrants)."""
    for person in people:
        mark = marks.get(person.key)
        yield [
            meeting.id,
            meeting.title,
            meeting.starts_at.date(),
            person.member_id or "",
            person.registration_id or "",
            person.name,
            ATTENDANCE.get(mark.status, mark.status) if mark else "",
        ]


def to_csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([text_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([text_cell(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
