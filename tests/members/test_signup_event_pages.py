"""Staff pages for sign-up events: add an event, open and close it, see its count, show its QR code."""

import re

from app.extensions import db
from app.members import services as members
from app.members import signup_events
from app.members.models import SignUpEvent
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.public.helpers import page_text


def _staff(app, role="engagement"):
    client = app.test_client()
    login(client, create_staff_user(role))
    return client


def _token(client, path="/staff/signup-events/new"):
    return csrf_token(client.get(path).get_data(as_text=True))


def _add(client, **fields):
    today = signup_events._uk_today()
    data = {
        "csrf_token": _token(client),
        "name": "Health fair",
        "place": "Civic Hall, Wolverhampton",
        "held_on-day": str(today.day),
        "held_on-month": str(today.month),
        "held_on-year": str(today.year),
    }
    data.update(fields)
    return client.post("/staff/signup-events/new", data=data)


def _press(client, event, action):
    path = f"/staff/signup-events/{event.id}"
    return client.post(f"{path}/{action}", data={"csrf_token": _token(client, path)})


def test_staff_add_an_event_with_its_place_date_and_topics_and_it_is_listed(app):
    members.ensure_default_topics()
    client = _staff(app)
    maternity = next(t for t in members.active_topics() if t.slug == "maternity")
    response = _add(client, topics=[str(maternity.id)])
    event = db.session.scalar(db.select(SignUpEvent))
    assert response.headers["Location"].endswith(f"/staff/signup-events/{event.id}")
    assert event.place == "Civic Hall, Wolverhampton" and [t.slug for t in event.topics] == ["maternity"]
    page = page_text(client.get(response.headers["Location"]))
    assert "Health fair" in page and "Not open yet" in page and "Maternity" in page
    listing = page_text(client.get("/staff/signup-events"))
    assert "Health fair" in listing and "Civic Hall, Wolverhampton" in listing and "Not open yet" in listing


def test_an_event_form_with_mistakes_lists_every_one_and_saves_nothing(app):
    client = _staff(app)
    response = _add(client, name="", place="", **{"held_on-day": "31", "held_on-month": "2", "held_on-year": "2027"})
    assert response.status_code == 400
    text = page_text(response)
    assert "Enter the name of the event" in text and "Enter the place where it is held" in text
    assert "The date of the event must be a real date" in text
    response = _add(client, **{"held_on-year": "2001"})
    assert "must be today or in the future" in page_text(response)
    response = _add(client, topics=["99999"])
    assert response.status_code == 400 and "Choose topics from the list" in page_text(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(SignUpEvent)) == 0


def test_staff_open_and_close_an_event_and_see_only_how_many_signed_up(app):
    client = _staff(app)
    _add(client)
    event = db.session.scalar(db.select(SignUpEvent))
    _press(client, event, "open")
    page = page_text(client.get(f"/staff/signup-events/{event.id}"))
    assert "Open for sign-ups" in page and "Close for sign-ups" in page and "Open on this device" in page
    result = members.sign_up(
        members.MemberInput(email="nadia@example.org", first_name="Nadia", last_name="Ali", postcode="WV1 1AA"),
        ["bulletin"],
        method="event",
        signup_event_id=event.id,
    )
    assert result.created
    create_member("other@example.org", first_name="Olu")
    page = page_text(client.get(f"/staff/signup-events/{event.id}"))
    assert re.search(r'id="sign-up-count">1<', page)
    assert "Nadia" not in page and "nadia@example.org" not in page
    _press(client, event, "close")
    page = page_text(client.get(f"/staff/signup-events/{event.id}"))
    assert "Closed" in page and "Open for sign-ups" in page  # the button to open it again
    assert not signup_events.get_signup_event(event.id).is_open()


def test_a_device_cannot_be_set_up_for_an_event_that_is_not_open(app):
    client = _staff(app)
    _add(client)
    event = db.session.scalar(db.select(SignUpEvent))
    response = _press(client, event, "device")
    assert response.status_code == 409 and "Open the event for sign-ups first" in page_text(response)
    assert client.get("/staff/signup-events").status_code == 200, "still signed in"


def test_the_qr_code_of_an_event_is_an_svg_and_a_png_of_its_sign_up_link(app):
    from app.members import links

    client = _staff(app)
    _add(client)
    event = db.session.scalar(db.select(SignUpEvent))
    page = page_text(client.get(f"/staff/signup-events/{event.id}"))
    assert f'src="/staff/signup-events/{event.id}/code.svg"' in page
    # The link's token is signed with the time it was made; what it names is the same.
    link = links.event_signup_url(event)
    assert link.rsplit(".", 2)[0] in page and "/get-involved/at/" in link
    svg = client.get(f"/staff/signup-events/{event.id}/code.svg")
    assert svg.mimetype == "image/svg+xml" and svg.get_data().startswith(b"<svg") and b"<path" in svg.get_data()
    png = client.get(f"/staff/signup-events/{event.id}/code.png?download=1")
    assert png.mimetype == "image/png" and png.get_data().startswith(b"\x89PNG")
    assert "attachment" in png.headers["Content-Disposition"]


def test_only_the_teams_that_keep_the_member_list_run_sign_up_events(app):
    comms = _staff(app, "comms")
    assert comms.get("/staff/signup-events").status_code == 403
    assert comms.get("/staff/signup-events/new").status_code == 403
    assert "/staff/login" in app.test_client().get("/staff/signup-events").headers["Location"]


def test_a_members_record_names_the_event_they_signed_up_at(app):
    client = _staff(app)
    _add(client)
    event = db.session.scalar(db.select(SignUpEvent))
    _press(client, event, "open")
    result = members.sign_up(
        members.MemberInput(email="nadia@example.org", first_name="Nadia", last_name="Ali", postcode="WV1 1AA"),
        ["bulletin"],
        method="event",
        signup_event_id=event.id,
    )
    page = page_text(client.get(f"/staff/members/{result.member.id}"))
    assert "Signed up at" in page and "Health fair</a>, Civic Hall, Wolverhampton" in page
