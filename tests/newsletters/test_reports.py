"""Readership reports: small-number suppression holds in every figure, and the figures keep up."""

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select, update

from app.clock import now
from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Delivery
from tests.factories import create_member, create_staff_user, login
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
