"""Managing topics: add, rename, reorder, retire (off the sign-up list, kept on members)."""

import re

import pytest

from app.extensions import db
from app.members import services as members
from app.members.models import Member, Topic
from tests.factories import create_member, create_staff_user, csrf_token, login


@pytest.fixture
def staff(client):
    members.ensure_default_topics()
    user = create_staff_user("engagement")
    login(client, user)
    return user


def post(client, url, data=None):
    token = csrf_token(client.get("/staff/topics").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def topic(slug) -> Topic:
    return db.session.scalar(db.select(Topic).where(Topic.slug == slug))


def offered_names() -> list[str]:
    return [t.name for t in members.active_topics()]


def test_add_a_topic(client, staff):
    response = post(client, "/staff/topics/add", {"name": "  Dental   care "})
    assert response.status_code == 302
    assert offered_names()[-1] == "Dental care"
    assert topic("dental-care") is not None
    assert "Dental care" in client.get("/staff/topics").get_data(as_text=True)


def test_adding_a_blank_or_duplicate_name_is_refused(client, staff):
    before = len(offered_names())
    blank = post(client, "/staff/topics/add", {"name": "   "})
    assert blank.status_code == 400 and "Enter a name for the topic" in blank.get_data(as_text=True)
    dup = post(client, "/staff/topics/add", {"name": "maternity"})
    assert dup.status_code == 400 and "A topic with this name already exists" in dup.get_data(as_text=True)
    assert len(offered_names()) == before


def test_rename_keeps_the_slug(client, staff):
    maternity = topic("maternity")
    assert post(client, f"/staff/topics/{maternity.id}/rename", {"name": "Maternity and neonatal"}).status_code == 302
    db.session.expire_all()
    assert topic("maternity").name == "Maternity and neonatal"
    bad = post(client, f"/staff/topics/{maternity.id}/rename", {"name": ""})
    assert bad.status_code == 400 and "Enter a name for the topic" in bad.get_data(as_text=True)


def test_reorder_moves_a_topic_up_and_down(client, staff):
    names = offered_names()
    second = topic(members.active_topics()[1].slug)
    post(client, f"/staff/topics/{second.id}/move", {"direction": "up"})
    db.session.expire_all()
    assert offered_names()[:2] == [names[1], names[0]]
    post(client, f"/staff/topics/{second.id}/move", {"direction": "down"})
    post(client, f"/staff/topics/{second.id}/move", {"direction": "down"})
    db.session.expire_all()
    assert offered_names()[:3] == [names[0], names[2], names[1]]


def test_retired_topics_leave_the_sign_up_list_but_stay_on_members(client, staff):
    member = create_member(topics=["pharmacy", "maternity"])
    pharmacy = topic("pharmacy")
    assert post(client, f"/staff/topics/{pharmacy.id}/retire").status_code == 302
    db.session.expire_all()
    assert "Pharmacy" not in offered_names()
    assert sorted(t.slug for t in db.session.get(Member, member.id).topics) == ["maternity", "pharmacy"]
    page = client.get(f"/staff/members/{member.id}").get_data(as_text=True)
    assert "Pharmacy (retired)" in page
    edit = client.get(f"/staff/members/{member.id}/edit").get_data(as_text=True)
    assert re.search(r'value="pharmacy" checked', edit), "editing a member does not drop a retired topic"
    assert post(client, f"/staff/topics/{pharmacy.id}/restore").status_code == 302
    db.session.expire_all()
    assert "Pharmacy" in offered_names()


@pytest.mark.parametrize("role, status", [("engagement", 200), ("comms", 403), ("analyst", 403)])
def test_who_can_manage_topics(client, role, status):
    login(client, create_staff_user(role))
    assert client.get("/staff/topics").status_code == status


def test_signed_out_people_cannot_manage_topics(client):
    assert client.get("/staff/topics").status_code == 302
