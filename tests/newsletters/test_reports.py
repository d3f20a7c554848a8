"""Readership reports: every figure by group is published by disclosure control, and the figures keep up."""

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import select, update

from app.clock import now
from app.extensions import db
from app.members.models import Member
from app.newsletters import group_readership, sending
from app.newsletters.models import Delivery
from app.statistics import disclosure
from tests.factories import create_member, create_staff_user, csrf_token, login
from tests.newsletters.factories import create_campaign


def _campaign_read_by(people: int, readers: int):
    for i in range(people):
        create_member(first_name=f"P{i}")
    campaign = create_campaign()
    sending.start_send(campaign.id)
    ids = db.session.scalars(select(Delivery.id).order_by(Delivery.id)).all()[:readers]
    db.session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(first_open_at=now()))
    db.session.commit()
    return campaign


def _members_of(campaign, opened=None):
    query = select(Member).join(Delivery, Delivery.member_id == Member.id).where(Delivery.campaign_id == campaign.id)
    if opened:
        query = query.where(Delivery.first_open_at.is_not(None))
    return db.session.scalars(query).all()


def _published(people):
    return disclosure.publish(disclosure.total(disclosure.Cell(1, p.record_key) for p in people))


def _csv_rows(client, campaign):
    return list(csv.reader(io.StringIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.csv").text)))


def test_a_campaign_under_the_floor_shows_no_breakdown_and_no_number(client, outbox):
    campaign = _campaign_read_by(12, 9)
    login(client, create_staff_user("analyst"))

    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report").get_data(as_text=True)
    who = page.split("<h2>Who is reading</h2>")[1].split("<h2>")[0]
    assert 'id="group-' not in who and "Fewer than 50 people received this bulletin" in who
    assert re.findall(r"\d+", who) == ["50"]

    rows = _csv_rows(client, campaign)
    assert not [r for r in rows if r[0].startswith("Readership by ") and r[0] != "Readership by group"]
    assert [r[1] for r in rows if r[0] == "Readership by group"][0].startswith("Fewer than 50 people")

    book = load_workbook(io.BytesIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.xlsx").data))
    sheet_rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert not [r for r in sheet_rows if r[0] == "Readership by primary care network"]

    report = group_readership.readership(campaign.id)
    assert report["status"] == "too_small" and all(rows == [] for rows in report["groups"].values())


def test_readership_figures_are_what_disclosure_control_publishes(client, outbox):
    campaign = _campaign_read_by(64, 41)
    recipients, readers = _members_of(campaign), _members_of(campaign, opened=True)
    shown_recipients, shown_readers = _published(recipients), _published(readers)
    rate = round(100 * shown_readers.value / shown_recipients.value)
    expected = {
        "group": "Not known",
        "recipients": str(shown_recipients.value),
        "readers": str(shown_readers.value),
        "clickers": "0",
        "read_rate": min(rate, 100),
    }
    assert group_readership.readership_by_group(campaign.id, "pcn") == [expected]
    assert group_readership.readership_by_group(campaign.id, "age_band") == [expected]  # nobody gave an age

    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report").get_data(as_text=True)
    pcn_table = page.split('id="group-pcn"')[1].split("</table>")[0]
    assert f">{shown_recipients.value}<" in pcn_table and f">{shown_readers.value}<" in pcn_table
    assert f">{min(rate, 100)}%<" in pcn_table
    assert ["Readership by primary care network", "Not known", str(shown_readers.value), str(rate)] in _csv_rows(
        client, campaign
    )
    book = load_workbook(io.BytesIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.xlsx").data))
    sheet_rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert ["Readership by primary care network", "Not known", str(shown_readers.value), rate] in sheet_rows


def test_the_same_readers_always_show_the_same_figures(app, outbox):
    campaign = _campaign_read_by(60, 30)
    first = group_readership.readership(campaign.id)
    assert first == group_readership.readership(campaign.id)
    # A second bulletin to the same people, read by the same people: the same cells, the same figures.
    again = create_campaign(name="April bulletin")
    sending.start_send(again.id)
    readers = {m.id for m in _members_of(campaign, opened=True)}
    db.session.execute(
        update(Delivery)
        .where(Delivery.campaign_id == again.id, Delivery.member_id.in_(readers))
        .values(first_open_at=now())
    )
    db.session.commit()
    assert group_readership.readership(again.id) == first


def test_a_hidden_cell_shows_no_rate_and_no_flag(client, outbox):
    from tests.factories import create_pcn, create_practice

    practice = create_practice(ods_code="M92011", name="Axe Surgery", pcn=create_pcn(code="U90001", name="Axe PCN"))
    few = [create_member(practice_id=practice.id) for _ in range(4)]
    campaign = _campaign_read_by(56, 0)
    db.session.execute(update(Delivery).where(Delivery.campaign_id == campaign.id).values(first_open_at=now()))
    db.session.commit()
    assert _published(few).hidden
    row = {r["group"]: r for r in group_readership.readership_by_group(campaign.id, "pcn")}["Axe PCN"]
    assert row == {"group": "Axe PCN", "recipients": "*", "readers": "*", "clickers": "*", "read_rate": None}

    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report").get_data(as_text=True)
    cells = page.split('id="group-pcn"')[1].split("Axe PCN</td>")[1].split("</tr>")[0]
    assert re.findall(r">([^<]*)</td>", cells) == ["*", "*", "*"]
    assert ["Readership by primary care network", "Axe PCN", "*", "*"] in _csv_rows(client, campaign)


HUMAN = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"


def _open_after_the_send(client):
    from datetime import timedelta

    from app import tokens

    campaign = _campaign_read_by(1, 0)
    delivery = db.session.scalar(select(Delivery))
    db.session.execute(update(Delivery).values(sent_at=now() - timedelta(hours=1)))
    db.session.commit()
    token = tokens.sign_many("recipient", [(campaign.id, delivery.id, delivery.member_id)])[0]
    assert client.get(f"/t/o/{token}.gif", headers={"User-Agent": HUMAN}).status_code == 200
    return campaign


def _human_opens_on_page(client, campaign) -> str:
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report").get_data(as_text=True)
    return page.split("Unique human opens</th>")[1].split("</td>")[0].rsplit(">", 1)[1]


def test_opens_after_the_send_reach_the_report_with_the_periodic_job(client, outbox):
    from app.maintenance.tasks import readership_job

    campaign = _open_after_the_send(client)
    login(client, create_staff_user("analyst"))
    assert _human_opens_on_page(client, campaign) == "0"

    readership_job()

    assert _human_opens_on_page(client, campaign) == "1"


def test_campaigns_sent_long_ago_are_left_alone_by_the_periodic_job(client, outbox):
    from datetime import timedelta

    from app.newsletters import reports
    from app.newsletters.models import Campaign

    campaign = _open_after_the_send(client)
    db.session.execute(update(Campaign).values(finished_at=now() - timedelta(days=40)))
    db.session.commit()
    assert reports.refresh_recent() == 0
    assert reports.summary(db.session.get(Campaign, campaign.id))["human_opens"] == 0


def test_update_now_is_a_form_post_and_a_get_changes_nothing(client, outbox):
    campaign = _open_after_the_send(client)
    login(client, create_staff_user("analyst"))
    url = f"/staff/bulletins/campaigns/{campaign.id}/report"
    client.get(f"{url}?refresh=1")
    assert _human_opens_on_page(client, campaign) == "0"
    assert client.post(f"{url}/refresh").status_code == 400  # no CSRF token

    page = client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/refresh", data={"csrf_token": csrf_token(page)}, follow_redirects=True)

    assert "Figures updated." in response.get_data(as_text=True)
    assert _human_opens_on_page(client, campaign) == "1"


def test_update_now_with_a_worker_queues_the_refresh(client, outbox, request):
    from rq import Queue

    from app.newsletters import tasks

    campaign = _open_after_the_send(client)
    redis_queue = request.getfixturevalue("redis_queue")
    login(client, create_staff_user("analyst"))
    url = f"/staff/bulletins/campaigns/{campaign.id}/report"
    page = client.get(url).get_data(as_text=True)
    response = client.post(f"{url}/refresh", data={"csrf_token": csrf_token(page)}, follow_redirects=True)

    assert "being updated" in response.get_data(as_text=True)
    assert _human_opens_on_page(client, campaign) == "0"
    jobs = Queue(client.application.config["RQ_QUEUE"], connection=redis_queue).jobs
    assert [(j.func_name, j.args) for j in jobs] == [(f"{tasks.__name__}.refresh_stats", (campaign.id,))]
    jobs[0].perform()
    assert _human_opens_on_page(client, campaign) == "1"


def test_with_a_worker_the_refresh_keeps_scheduling_itself(client, outbox, request, monkeypatch):
    from datetime import datetime

    from rq.registry import ScheduledJobRegistry

    from app import clock
    from app.maintenance import tasks

    campaign = _open_after_the_send(client)
    redis_queue = request.getfixturevalue("redis_queue")
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 8, 20))

    tasks.readership_job()

    login(client, create_staff_user("analyst"))
    assert _human_opens_on_page(client, campaign) == "1"
    registry = ScheduledJobRegistry(client.application.config["RQ_QUEUE"], connection=redis_queue)
    assert registry.get_job_ids() == ["involve-readership-2026-11-23T0821"]


def test_report_files_leave_empty_cells_empty_and_make_formulas_inert(client, outbox):
    campaign = _campaign_read_by(3, 1)
    campaign.html_body = '<p><a href="https://example.org/-minus">a</a></p>'
    db.session.commit()
    login(client, create_staff_user("analyst"))

    rows = _csv_rows(client, campaign)
    cells = [cell for row in rows for cell in row]
    assert "" in cells and "'" not in cells
    assert not [cell for cell in cells if cell.startswith("'") and cell[1:2] not in ("=", "+", "-", "@")]
    assert ["Summary", "open rate (human)", ""] == rows[[r[1] for r in rows].index("open rate (human)")][:3]

    book = load_workbook(io.BytesIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.xlsx").data))
    sheet_cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert "'" not in sheet_cells


def test_a_cell_that_would_run_as_a_formula_is_quoted():
    from app.spreadsheets import escape_cell, text_cell

    assert [escape_cell(v) for v in ("=1+1", "+44", "-3", "@SUM(A1)", "", "plain", 7, None)] == [
        "'=1+1",
        "'+44",
        "'-3",
        "'@SUM(A1)",
        "",
        "plain",
        7,
        None,
    ]
    assert text_cell(None) == ""
