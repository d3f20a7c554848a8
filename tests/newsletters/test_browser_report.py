"""A bulletin's readership report in Chromium, with readership by group and without it; axe-core on each."""

import pytest
from sqlalchemy import update

from app.clock import now
from app.extensions import db
from app.newsletters import sending
from app.newsletters.models import Delivery
from tests.browser_support import WCAG_TAGS, axe_violations, sign_in
from tests.factories import create_member, create_staff_user
from tests.newsletters.factories import create_campaign

pytestmark = pytest.mark.browser


def test_readership_report_has_no_accessibility_violations(live_server, page, outbox):
    small = create_campaign(name="Small bulletin")
    create_member()
    sending.start_send(small.id)
    for _ in range(59):
        create_member(equality={"ethnic_group": "white"})
    large = create_campaign(name="Large bulletin")
    sending.start_send(large.id)
    db.session.execute(update(Delivery).where(Delivery.campaign_id == large.id).values(first_open_at=now()))
    db.session.commit()
    user = create_staff_user("analyst")
    sign_in(page, live_server, user)
    for campaign, shows in ((large, "By ethnic group"), (small, "Fewer than 50 people received this bulletin")):
        page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}/report")
        assert page.get_by_text(shows).count() > 0
        assert axe_violations(page, WCAG_TAGS) == [], campaign.name
