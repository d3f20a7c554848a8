"""Readership reports: small-number suppression holds in every figure, and the figures keep up."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select, update

from app.clock import now
from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Delivery
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


def test_read_rate_cannot_give_back_the_rounded_counts(client, outbox):
    # 9 readers of 12 are shown as "10" and "10": a rate of 75% would tell anyone the true counts.
    campaign = _campaign_read_by(12, 9)
    login(client, create_staff_user("analyst"))

    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report").get_data(as_text=True)
    pcn_table = page.split('id="group-pcn"')[1].split("</table>")[0]
    assert "75.0%" not in pcn_table
    assert "100.0%" in pcn_table

    rows = list(csv.reader(io.StringIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.csv").text)))
    pcn_rows = [r for r in rows if r[0] == "Readership by primary care network"]
    assert pcn_rows == [["Readership by primary care network", "Not known", "10", "100.0"]]

    book = load_workbook(io.BytesIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.xlsx").data))
    sheet_rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert [r for r in sheet_rows if r[0] == "Readership by primary care network"] == [
        ["Readership by primary care network", "Not known", "10", 100.0]
    ]


def test_read_rate_is_hidden_when_readers_are_few(client, outbox):
    campaign = _campaign_read_by(12, 3)
    login(client, create_staff_user("analyst"))

    rows = list(csv.reader(io.StringIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.csv").text)))
    assert [r for r in rows if r[0] == "Readership by primary care network"] == [
        ["Readership by primary care network", "Not known", "*", "*"]
    ]


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
    assert registry.get_job_ids() == ["involve-readership-2026-11-23T0830"]
