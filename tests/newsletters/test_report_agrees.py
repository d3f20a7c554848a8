"""The readership report reads one set of figures everywhere, and keeps up without a button."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from app import tokens
from app.clock import now
from app.extensions import db
from app.newsletters import reports
from app.newsletters.models import Link, TrackingEvent
from tests.factories import create_staff_user, login
from tests.newsletters.test_tracking import HUMAN, _sent_campaign


def _open_and_click(client, campaign, delivery):
    link = db.session.scalar(select(Link).where(Link.campaign_id == campaign.id, ~Link.hidden))
    client.get(f"/t/o/{tokens.sign('open', [campaign.id, delivery.id])}.gif", headers={"User-Agent": HUMAN})
    client.get(f"/t/c/{tokens.sign('click', [campaign.id, delivery.id])}/{link.id}", headers={"User-Agent": HUMAN})


def _figures(page: str) -> dict:
    def cell(table_id, label):
        table = page.split(f'id="{table_id}"')[1].split("</table>")[0]
        return int(re.search(rf"{label}</t[hd]>\s*<td[^>]*>(\d+)<", table).group(1))

    links = page.split('id="links"')[1].split("</table>")[0]
    return {
        "summary_opens": cell("summary", "Unique human opens"),
        "summary_clicks": cell("summary", "Unique human clicks"),
        "link_clicks": int(re.findall(r'numeric">(\d+)</td>', links)[0]),
        "chart_opens": sum(int(n) for n in re.findall(r": (\d+) opens, \d+ clicks</title>", page)),
    }


def test_every_part_of_the_report_counts_the_same_opens_and_clicks_and_the_minute_job_brings_them_in(app, client):
    from app.maintenance.tasks import READERSHIP_MINUTES, readership_job

    campaign, _, deliveries = _sent_campaign(people=2)
    login(client, create_staff_user("analyst"))
    url = f"/staff/bulletins/campaigns/{campaign.id}/report"
    nothing = {"summary_opens": 0, "summary_clicks": 0, "link_clicks": 0, "chart_opens": 0}
    assert _figures(client.get(url).get_data(as_text=True)) == nothing

    for delivery in deliveries:
        _open_and_click(client, campaign, delivery)
    # Until the figures are brought up to date, no part of the page counts the new events.
    assert _figures(client.get(url).get_data(as_text=True)) == nothing

    assert READERSHIP_MINUTES == 1
    assert readership_job() == 1
    page = client.get(url).get_data(as_text=True)
    assert _figures(page) == {"summary_opens": 2, "summary_clicks": 2, "link_clicks": 2, "chart_opens": 2}
    assert ["Summary", "human opens", "2", ""] in _csv(client, campaign)
    # With nothing new, the next minute's run leaves the campaign alone.
    assert readership_job() == 0


def _csv(client, campaign):
    import csv
    import io

    return list(csv.reader(io.StringIO(client.get(f"/staff/bulletins/campaigns/{campaign.id}/report.csv").text)))


def test_an_hour_of_activity_is_charted_by_the_minute_with_labelled_axes(app, client):
    campaign, _, deliveries = _sent_campaign(people=3)
    start = now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    for i, delivery in enumerate(deliveries):
        _open_and_click(client, campaign, delivery)
        db.session.execute(
            update(TrackingEvent)
            .where(TrackingEvent.delivery_id == delivery.id)
            .values(occurred_at=start + timedelta(minutes=20 * i))
        )
        db.session.commit()
    reports.refresh_stats(campaign.id)
    _, chart = reports.report_activity(campaign.id)
    assert chart["unit"] == "5 minutes" and len(chart["bars"]) == 9
    assert [b["open"] for b in chart["bars"]] == [1, 0, 0, 0, 1, 0, 0, 0, 1]

    login(client, create_staff_user("analyst"))
    page = client.get(f"/staff/bulletins/campaigns/{campaign.id}/report").get_data(as_text=True)
    assert 'data-axis="y"' in page and 'data-axis="x"' in page
    assert "Time (UK time), per 5 minutes" in page
    assert f">{start:%-d %b %H:%M}</text>" in page
