"""The members list: search, filters, sorting, pagination and who may see it."""

import re
from datetime import date, datetime

import pytest

from app.extensions import db
from app.members import services as members
from tests.factories import create_member, create_practice, create_staff_user, login


def names_on(page) -> list[str]:
    """The member names in the results table, in order."""
    html = page.get_data(as_text=True)
    return re.findall(r'<a href="/staff/members/\d+">([^<]+)</a>', html)


@pytest.fixture
def engagement(client):
    user = create_staff_user("engagement")
    login(client, user)
    return user


def test_search_finds_by_name_email_and_postcode(client, engagement):
    create_member("amira@example.org", first_name="Amira", last_name="Khan", postcode="WV1 1AA")
    create_member("bob@example.org", first_name="Bob", last_name="Smith", postcode="WV10 6QX")
    create_member("carol@lists.example.com", first_name="Carol", last_name="Evans", postcode="B1 1AA")

    assert names_on(client.get("/staff/members?q=khan")) == ["Amira Khan"]
    assert names_on(client.get("/staff/members?q=Amira Khan")) == ["Amira Khan"]
    assert names_on(client.get("/staff/members?q=lists.example")) == ["Carol Evans"]
    assert names_on(client.get("/staff/members?q=wv106qx")) == ["Bob Smith"]
    assert names_on(client.get("/staff/members?q=WV10 6")) == ["Bob Smith"]
    page = client.get("/staff/members?q=nobody-like-this")
    assert "0 members found" in page.get_data(as_text=True)


def test_filters_narrow_the_list(client, engagement):
    practice = create_practice("M92001", "High Street Surgery")
    create_practice("M92002", "Low Road Surgery")
    create_member(first_name="Active", last_name="Person", practice_id=practice.id, topics=["maternity"])
    create_member(first_name="Pending", last_name="Person", status="pending", contact_type="carer")
    create_member(first_name="Young", last_name="Person", age_band="16_24", topics=["mental-health"])
    born_1950 = create_member(first_name="Older", last_name="Person", date_of_birth=date(1950, 1, 1))
    erased = create_member(first_name="Gone", last_name="Person")
    members.erase_member(erased, "member_request")

    everyone = names_on(client.get("/staff/members?sort=name"))
    assert "Gone Person" not in everyone and len(everyone) == 4, "erased members are left out unless asked for"
    assert names_on(client.get("/staff/members?status=pending")) == ["Pending Person"]
    assert names_on(client.get("/staff/members?contact_type=carer")) == ["Pending Person"]
    assert names_on(client.get(f"/staff/members?practice_id={practice.id}")) == ["Active Person"]
    assert names_on(client.get("/staff/members?topic=maternity")) == ["Active Person"]
    assert names_on(client.get("/staff/members?age_band=16_24")) == ["Young Person"]
    assert names_on(client.get("/staff/members?age_band=75_plus")) == [born_1950.full_name]
    assert names_on(client.get("/staff/members?status=erased")) == [f"Member {erased.id}"]
    both = client.get(f"/staff/members?status=active&topic=maternity&practice_id={practice.id}")
    assert names_on(both) == ["Active Person"]


def test_sorting_by_name_and_joining_date(client, engagement):
    for i, last in enumerate(["Young", "Adams", "Morris"]):
        m = create_member(first_name="Sam", last_name=last)
        m.created_at = datetime(2026, 1, 1 + i)
    db.session.commit()
    assert names_on(client.get("/staff/members?sort=name")) == ["Sam Adams", "Sam Morris", "Sam Young"]
    assert names_on(client.get("/staff/members?sort=-name")) == ["Sam Young", "Sam Morris", "Sam Adams"]
    assert names_on(client.get("/staff/members")) == ["Sam Morris", "Sam Adams", "Sam Young"], "newest first"
    assert names_on(client.get("/staff/members?sort=joined")) == ["Sam Young", "Sam Adams", "Sam Morris"]


def test_pagination_keeps_the_filters(client, engagement):
    for i in range(55):
        create_member(f"p{i:02d}@example.org", first_name="Pat", last_name=f"Number{i:02d}")
    create_member(first_name="Other", last_name="Person", contact_type="carer")
    first = client.get("/staff/members?sort=name&contact_type=resident")
    html = first.get_data(as_text=True)
    assert "55 members found" in html
    assert len(names_on(first)) == 50
    assert names_on(first)[0] == "Pat Number00"
    next_link = re.search(r'href="([^"]+)"[^>]*>\s*<span class="nhsuk-pagination__title">Next', html).group(1)
    assert "contact_type=resident" in next_link and "sort=name" in next_link and "page=2" in next_link
    second = client.get(next_link.replace("&amp;", "&"))
    assert names_on(second) == [f"Pat Number{i}" for i in range(50, 55)]


def test_unknown_filter_values_get_a_message_not_an_error(client, engagement):
    create_member(first_name="Still", last_name="Listed")
    page = client.get("/staff/members?status=bogus&age_band=old&sort=sideways&practice_id=abc&page=x")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Choose a status from the list" in html
    assert "Choose an age band from the list" in html
    assert "Choose a GP practice from the list" in html
    assert names_on(page) == ["Still Listed"]


def test_list_links_to_import_and_export_only_when_they_exist(app, client, engagement):
    create_member()
    html = client.get("/staff/members?status=active").get_data(as_text=True)
    has_export = "member_transfer.export" in app.view_functions
    assert ("Export these members" in html) == has_export
    assert "Add a member" in html


@pytest.mark.parametrize("role, status", [("admin", 200), ("engagement", 200), ("comms", 403), ("analyst", 403)])
def test_who_can_see_the_list(client, role, status):
    login(client, create_staff_user(role))
    assert client.get("/staff/members").status_code == status


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/staff/members?q=x")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_search_treats_wildcards_as_plain_characters(client, engagement):
    create_member("jo_ann@example.org", first_name="Jo", last_name="Ann")
    create_member("joxann@example.org", first_name="Jox", last_name="Ann")
    assert names_on(client.get("/staff/members?q=jo_ann")) == ["Jo Ann"]
    assert names_on(client.get("/staff/members?q=100%25")) == []


def test_search_matches_the_start_of_a_surname_first_name_email_or_postcode(client, engagement):
    create_member("p.okafor@nhs.example", first_name="Patience", last_name="Okafor-Smith", postcode="WV3 0AA")
    create_member("dan@example.org", first_name="Dan", last_name="Goldsmith", postcode="B15 2TT")

    assert names_on(client.get("/staff/members?q=oka")) == ["Patience Okafor-Smith"]
    assert names_on(client.get("/staff/members?q=PAT")) == ["Patience Okafor-Smith"]
    assert names_on(client.get("/staff/members?q=p.okafor@nhs.example")) == ["Patience Okafor-Smith"]
    assert names_on(client.get("/staff/members?q=dan@")) == ["Dan Goldsmith"]
    assert names_on(client.get("/staff/members?q=wv30aa")) == ["Patience Okafor-Smith"]
    assert names_on(client.get("/staff/members?q=WV3 0AA")) == ["Patience Okafor-Smith"]
    assert names_on(client.get("/staff/members?q=b15")) == ["Dan Goldsmith"]
    assert names_on(client.get("/staff/members?q=dan gold")) == ["Dan Goldsmith"]
    # Matching is by the start of a name: "smith" is not looked for inside "Goldsmith".
    assert names_on(client.get("/staff/members?q=smith")) == []


def test_search_follows_changes_to_a_member_and_forgets_erased_ones(client, engagement):
    member = create_member("old@example.org", first_name="Ann", last_name="Lee", postcode="WV1 1AA")
    data = members.MemberInput(email="new@example.org", first_name="Ann", last_name="Walsh", postcode="DY1 1AA")
    members.update_member(member, data)
    assert names_on(client.get("/staff/members?q=walsh")) == ["Ann Walsh"]
    assert names_on(client.get("/staff/members?q=new@")) == ["Ann Walsh"]
    assert names_on(client.get("/staff/members?q=lee")) == []
    assert names_on(client.get("/staff/members?q=dy11aa")) == ["Ann Walsh"]
    members.erase_member(member, "member_request")
    assert names_on(client.get("/staff/members?q=walsh&status=erased")) == []


def test_viewing_and_searching_the_list_is_in_the_audit_log_without_the_search_text(client, engagement):
    from app.audit.models import AuditLogEntry

    khan = create_member("amira@example.org", first_name="Amira", last_name="Khan")
    smith = create_member("bob@example.org", first_name="Bob", last_name="Smith", contact_type="carer")

    client.get("/staff/members")
    client.get("/staff/members?q=Khan&status=active")
    client.get("/staff/members?contact_type=carer")

    entries = db.session.scalars(
        db.select(AuditLogEntry).where(AuditLogEntry.record_type == "member_list").order_by(AuditLogEntry.id)
    ).all()
    assert [(e.action, e.staff_user_id) for e in entries] == [("view", engagement.id)] * 3
    everyone, searched, carers = (e.detail for e in entries)
    assert "2 of 2 members" in everyone and f"ids: {smith.id},{khan.id}" in everyone
    assert "1 of 1 members" in searched and "search=yes" in searched and "status=active" in searched
    assert f"ids: {khan.id}" in searched and "khan" not in searched.lower()
    assert "contact_type=carer" in carers and f"ids: {smith.id}" in carers
