"""Plain factory functions for tests: each makes one real row through the services."""

import itertools
import re

from app.auth import services as auth
from app.extensions import db
from app.members import services as members
from app.members.models import Member
from app.organisations.models import PCN, Practice

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def create_staff_user(role: str = "admin", email: str | None = None, password: str = PASSWORD):
    return auth.create_user(email or f"{role}{next(_seq)}@example.nhs.uk", role, password)


def login(client, user, password: str = PASSWORD):
    page = client.get("/staff/login")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/staff/login", data={"email": user.email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def create_pcn(code: str = "U00001", name: str = "North PCN") -> PCN:
    pcn = PCN(code=code, name=name)
    db.session.add(pcn)
    db.session.commit()
    return pcn


def create_practice(ods_code: str = "M92001", name: str = "High Street Surgery", pcn: PCN | None = None) -> Practice:
    practice = Practice(ods_code=ods_code, name=name, postcode="WV1 1AA", pcn=pcn)
    db.session.add(practice)
    db.session.commit()
    return practice


def create_member(
    email: str | None = None,
    status: str = "active",
    purposes=("bulletin", "involvement", "surveys"),
    equality: dict | None = None,
    **fields,
) -> Member:
    """An active member with consents given on paper by staff (status adjusted if asked)."""
    members.ensure_default_topics()
    data = members.MemberInput(
        email=email or f"person{next(_seq)}@example.org",
        first_name=fields.pop("first_name", "Alex"),
        last_name=fields.pop("last_name", "Jones"),
        postcode=fields.pop("postcode", "WV1 1AA"),
        **fields,
    )
    purposes = list(purposes) + (["equality_monitoring"] if equality else [])
    member = members.create_member(data, purposes, "paper", None, equality_answers=equality)
    if status != "active":
        member.status = status
        db.session.commit()
    return member
