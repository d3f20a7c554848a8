"""The print formats page and the easy read form in a real browser: axe-core, errors, downloads."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from app.newsletters import images
from tests.browser_support import axe_violations, sign_in
from tests.factories import create_member, create_staff_user
from tests.newsletters.factories import create_campaign

pytestmark = pytest.mark.browser


@pytest.fixture
def config_overrides(tmp_path):
    return {"IMAGES_DIR": str(tmp_path / "images")}


def _picture() -> None:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (0, 94, 184)).save(out, "PNG")
    images.upload(out.getvalue())


def test_staff_see_who_needs_each_format_write_easy_read_and_download_large_print(live_server, page):
    _picture()
    campaign = create_campaign(body="Winter vaccines are here.\n\nBook now at your practice.")
    create_member("lp@example.org", communication_needs=["large_print"], address_line_1="1 High St", town="Bury")
    create_member("br@example.org", communication_needs=["braille", "easy_read"], address_line_1="2 Mill Rd")
    user = create_staff_user("comms")
    sign_in(page, live_server, user)

    page.goto(f"{live_server}/staff/bulletins/campaigns/{campaign.id}")
    page.get_by_role("link", name="Print formats").click()
    expect(page.locator("h1")).to_have_text("Print formats")
    expect(page.locator("tr[data-need=large_print] [data-count=with_address]")).to_have_text("1")
    assert axe_violations(page) == [], "print formats page"
    with page.expect_download() as download:
        page.get_by_role("link", name="Large print (PDF)").click()
    assert download.value.suggested_filename.endswith("-large-print.pdf")

    page.get_by_role("link", name="Write the easy read version").click()
    expect(page.locator(".nhsuk-inset-text").first).to_contain_text("Winter vaccines are here.")
    page.fill("#rows-0-text", "You can have a vaccine.")
    page.get_by_role("button", name="Save the easy read version").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Idea 1: choose a picture")
    assert axe_violations(page) == [], "easy read form with errors"
    page.select_option("#rows-0-image_id", index=1)
    page.fill("#rows-0-alt", "A nurse")
    page.get_by_role("button", name="Save the easy read version").click()
    expect(page.locator("h1")).to_have_text("Print formats")
    expect(page.get_by_text("1 idea, each with a picture.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Easy read (PDF)").click()
    assert download.value.suggested_filename.endswith("-easy-read.pdf")
