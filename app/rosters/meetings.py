"""Meetings and events, attendance marking and attendance rates."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func

from app import clock
from app.audit import services as audit
from app.errors import InvalidRequest
from app.extensions import db
from app.members.models import Member
from app.rosters import events, services
from app.rosters.models import Attendance, Meeting, Registration, Roster, RosterMembership
from app.rosters.vocab import ATTENDANCE, MEETING_KINDS
from app.transactions import transactional


def get_meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def meetings_for_roster(roster_id: int, limit: int = 50) -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting).where(Meeting.roster_id == roster_id).order_by(Meeting.starts_at.desc()).limit(limit)
        )
    )


def list_meetings(page: int = 1, per_page: int = 50):
    query = db.select(Meeting).order_by(Meeting.starts_at.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def upcoming_public_events() -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(
                Meeting.roster_id.is_(None),
                Meeting.registration_open.is_(True),
                Meeting.cancelled_at.is_(None),
                Meeting.starts_at >= clock.now(),
            )
            .order_by(Meeting.starts_at)
        )
    )


@dataclass
class MeetingInput:
    title: str
    kind: str
    starts_at: datetime | None
    ends_at: datetime | None = None
    roster_id: int | None = None
    description: str = ""
    location: str = ""
    online_url: str = ""
    capacity: int | None = None
    accessibility: str = ""
    registration_open: bool = False


def check_meeting_input(data: MeetingInput) -> dict[str, str]:
    errors = {}
    data.title = (data.title or "").strip()
    data.location = (data.location or "").strip()
    data.online_url = (data.online_url or "").strip()
    for name, limit in (("title", 200), ("location", 300), ("online_url", 500)):
        if len(getattr(data, name)) > limit:
            errors[name] = f"This must be {limit} characters or fewer"
    if not data.title:
        errors["title"] = "Enter a title"
    if data.kind not in MEETING_KINDS:
        errors["kind"] = "Choose the type of meeting or event"
    if data.starts_at is None:
        errors["starts_at"] = "Enter the date and time it starts"
    if data.starts_at and data.ends_at and data.ends_at < data.starts_at:
        errors["ends_at"] = "The end must be after the start"
    if data.online_url and not data.online_url.startswith(("https://", "http://")):
        errors["online_url"] = "Enter a web address starting with https://"
    if not data.location and not data.online_url:
        errors["location"] = "Enter a place, an online link, or both"
    if data.capacity is not None and not 1 <= data.capacity <= 100000:
        errors["capacity"] = "Enter a capacity from 1 to 100000, or leave it empty"
    if data.roster_id is not None and db.session.get(Roster, data.roster_id) is None:
        errors["roster_id"] = "Choose a group from the list"
    if data.roster_id is not None and data.registration_open:
        errors["registration_open"] = "Only public events (not a group's meetings) take registrations"
    return errors


def _save(meeting: Meeting | None, data: MeetingInput) -> tuple[Meeting, list]:
    errors = check_meeting_input(data)
    if meeting is not None and "capacity" not in errors:
        problem = events.capacity_problem(meeting, data.capacity)
        if problem:
            errors["capacity"] = problem
    if errors:
        raise InvalidRequest("There is a problem with the meeting details.", 400, errors)
    if meeting is None:
        meeting = Meeting()
        db.session.add(meeting)
    for name in MeetingInput.__dataclass_fields__:
        setattr(meeting, name, getattr(data, name))
    db.session.flush()
    promoted = events.promote_after_change(meeting) if meeting.is_public else []
    audit.record("change", "meeting", meeting.id, f"{len(promoted)} promoted from the waiting list" if promoted else "")
    return meeting, promoted


@transactional
def save_meeting(meeting: Meeting | None, data: MeetingInput) -> Meeting:
    """Create or change a meeting or event; bad input changes nothing."""
    return _save(meeting, data)[0]


@transactional
def save_meeting_and_promote(meeting: Meeting | None, data: MeetingInput) -> tuple[Meeting, list]:
    """As save_meeting; a capacity cut below the places taken is refused, and places added go to
    the waiting list in order. Returns the meeting and the registrations promoted (to email)."""
    return _save(meeting, data)


def expected_attendees(meeting: Meeting) -> list[Member]:
    """Who should be on the sign-in sheet: the roster's members on the day, or registered people."""
    if meeting.roster_id is not None:
        day = meeting.starts_at.date()
        query = (
            db.select(Member)
            .join(RosterMembership, RosterMembership.member_id == Member.id)
            .where(RosterMembership.roster_id == meeting.roster_id, *services.covering(day))
        )
        if meeting.starts_at.date() >= clock.today():
            query = query.where(RosterMembership.status == "active")
    else:
        query = (
            db.select(Member)
            .join(Registration, Registration.member_id == Member.id)
            .where(Registration.meeting_id == meeting.id, Registration.status == "registered")
        )
    marked = db.select(Member).join(Attendance, Attendance.member_id == Member.id)
    members = list(db.session.scalars(query)) + list(
        db.session.scalars(marked.where(Attendance.meeting_id == meeting.id))
    )
    return sorted({m.id: m for m in members}.values(), key=lambda m: (m.last_name.lower(), m.first_name.lower()))


def attendance_for(meeting: Meeting) -> dict[int, Attendance]:
    """Members' attendance at a meeting by member id (registrants who are not members are left out)."""
    rows = db.session.scalars(
        db.select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.member_id.is_not(None))
    )
    return {a.member_id: a for a in rows}


@dataclass
class Attendee:
    """One line of a sign-in sheet: a member, or a registrant at a public event who is not one."""

    key: str  # the form field: member-<id> or registration-<id>
    name: str
    member_id: int | None = None
    registration_id: int | None = None


def sign_in_list(meeting: Meeting) -> list[Attendee]:
    """Everyone expected or already marked: members, then registrants without a member record, by name."""
    people = [Attendee(f"member-{m.id}", m.full_name, member_id=m.id) for m in expected_attendees(meeting)]
    if meeting.is_public:
        marked = db.select(Attendance.registration_id).where(
            Attendance.meeting_id == meeting.id, Attendance.registration_id.is_not(None)
        )
        registrations = db.session.scalars(
            db.select(Registration).where(
                Registration.meeting_id == meeting.id,
                Registration.member_id.is_(None),
                (Registration.status == "registered") | Registration.id.in_(marked),
            )
        )
        people += [Attendee(f"registration-{r.id}", r.name, registration_id=r.id) for r in registrations]
    return sorted(people, key=lambda p: p.name.lower())


def marks_by_key(meeting: Meeting) -> dict[str, Attendance]:
    """Attendance at a meeting keyed like the sign-in list (member-<id> or registration-<id>)."""
    rows = db.session.scalars(db.select(Attendance).where(Attendance.meeting_id == meeting.id))
    return {(f"member-{a.member_id}" if a.member_id else f"registration-{a.registration_id}"): a for a in rows}


@transactional
def mark_attendance(
    meeting: Meeting,
    marks: dict[int, str],
    staff_user_id: int | None = None,
    registration_marks: dict[int, str] | None = None,
) -> int:
    """Record attended / apologies / did not attend for members (by id) and registrants who are not
    members (by registration id); all rows or none."""
    wanted = {f"member-{k}": v for k, v in marks.items()}
    wanted.update({f"registration-{k}": v for k, v in (registration_marks or {}).items()})
    people = {p.key: p for p in sign_in_list(meeting)}
    errors = {}
    # Meeting times are kept as the UK wall-clock time they were entered in.
    not_started = meeting.starts_at > clock.in_uk(clock.now()).replace(tzinfo=None)
    for key, status in wanted.items():
        if status not in ATTENDANCE:
            errors[key] = "Choose attended, apologies or did not attend"
        elif not_started and status != "apologies":
            errors[key] = "This meeting has not started yet: only apologies can be recorded before it"
        elif key not in people:
            errors[key] = "This person is not a member of the group or registered for the event"
    if errors:
        raise InvalidRequest("Attendance was not saved.", 400, errors)
    existing = marks_by_key(meeting)
    changed = 0
    for key, status in wanted.items():
        row = existing.get(key)
        if row is None:
            person = people[key]
            db.session.add(
                Attendance(
                    meeting_id=meeting.id,
                    member_id=person.member_id,
                    registration_id=person.registration_id,
                    status=status,
                    staff_user_id=staff_user_id,
                )
            )
            changed += 1
        elif row.status != status:
            row.status = status
            row.recorded_at = clock.now()
            row.staff_user_id = staff_user_id
            changed += 1
    audit.record("change", "attendance", meeting.id, f"{changed} marks")
    return changed


@transactional
def mark_everyone_attended(meeting: Meeting, staff_user_id: int | None = None) -> int:
    """Mark everyone on the sign-in list as attended, leaving apologies already recorded alone."""
    existing = marks_by_key(meeting)
    members, registrants = {}, {}
    for person in sign_in_list(meeting):
        row = existing.get(person.key)
        if row is not None and row.status == "apologies":
            continue
        if person.member_id:
            members[person.member_id] = "attended"
        else:
            registrants[person.registration_id] = "attended"
    return mark_attendance(meeting, members, staff_user_id, registrants)


def _rate_columns():
    attended = func.sum(case((Attendance.status == "attended", 1), else_=0))
    return attended, func.count(Attendance.id)


def attendance_rates(roster_id: int, since: date | None = None, until: date | None = None) -> dict:
    """Per-member and whole-roster attendance: attended / meetings marked, over a period."""
    attended, marked = _rate_columns()
    query = (
        db.select(Attendance.member_id, Member.first_name, Member.last_name, attended, marked)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Member, Member.id == Attendance.member_id)
        .where(Meeting.roster_id == roster_id)
        .group_by(Attendance.member_id, Member.first_name, Member.last_name)
        .order_by(Member.last_name, Member.first_name)
    )
    query = _in_period(query, since, until)
    rows = []
    total_attended = total_marked = 0
    for member_id, first, last, yes, count in db.session.execute(query):
        yes = int(yes or 0)
        total_attended += yes
        total_marked += count
        rows.append(
            {
                "member_id": member_id,
                "name": f"{first} {last}".strip(),
                "attended": yes,
                "marked": count,
                "rate": round(100 * yes / count) if count else None,
            }
        )
    return {
        "members": rows,
        "attended": total_attended,
        "marked": total_marked,
        "rate": round(100 * total_attended / total_marked) if total_marked else None,
    }


def _in_period(query, since: date | None, until: date | None):
    if since:
        query = query.where(Meeting.starts_at >= datetime(since.year, since.month, since.day))
    if until:
        query = query.where(Meeting.starts_at < datetime(until.year, until.month, until.day, 23, 59, 59))
    return query


def roster_rate_by_month(roster_id: int, since: date | None = None, until: date | None = None) -> list[dict]:
    """The roster's attendance rate month by month within the period, oldest first."""
    attended, marked = _rate_columns()
    meetings = _in_period(
        db.select(Meeting.id, Meeting.starts_at).where(Meeting.roster_id == roster_id), since, until
    ).subquery()
    rows = db.session.execute(
        db.select(meetings.c.starts_at, attended, marked)
        .join(Attendance, Attendance.meeting_id == meetings.c.id)
        .group_by(meetings.c.id, meetings.c.starts_at)
    ).all()
    months: dict[str, list[int]] = {}
    for starts_at, yes, count in rows:
        key = starts_at.strftime("%Y-%m")
        months.setdefault(key, [0, 0])
        months[key][0] += int(yes or 0)
        months[key][1] += count
    return [
        {"month": key, "attended": a, "marked": m, "rate": round(100 * a / m) if m else None}
        for key, (a, m) in sorted(months.items())
    ]
