"""A comms officer's whole bulletin journey in Chromium with the keyboard alone, axe-core on every page.

Sign in, create a campaign, build it from blocks (a picture refused without alt text first),
preview it for a member, send a test, confirm and send, open the email as a reader and follow
a link, then read the click in the readership report.
"""

import re
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import update

from app.clock import now
from app.extensions import db
from app.mail.backends import read_outbox
from app.newsletters.models import Campaign, Delivery
from tests.browser_support import WCAG_TAGS, axe_violations, sign_in
from tests.factories import create_member, create_staff_user
from tests.newsletters.factories import create_audience

pytestmark = pytest.mark.browser

# The reader opens the email in an ordinary desktop browser, not a headless one a scanner would use.
READER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)


@pytest.fixture
def config_overrides(tmp_path):
    return {"IMAGES_DIR": str(tmp_path / "images")}


def _focused(page, selector: str) -> bool:
    return page.locator(selector).evaluate_all("els => els.includes(document.activeElement)")


def _tab_to(page, selector: str, back: bool = False, limit: int = 150) -> None:
    """Press Tab (Shift+Tab with `back`) until the element matching `selector` has focus."""
    for _ in range(limit):
        if _focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


def _press(page, selector: str, key: str = "Enter", back: bool = False) -> None:
    """Tab to the element and press `key` on it."""
    _tab_to(page, selector, back)
    page.keyboard.press(key)


def _no_violations(page, what: str, tags: list[str] | None = None) -> None:
    assert axe_violations(page, tags) == [], what


def _picture(tmp_path) -> str:
    path = tmp_path / "clinic.png"
    Image.new("RGB", (800, 400), (0, 94, 184)).save(path, "PNG")
    return str(path)


def _messages(app, address: str) -> list[dict]:
    return [m for m in read_outbox(app.config["OUTBOX_DIR"]) if m["to"] == address]


def test_a_comms_officer_builds_previews_sends_and_reports_on_a_bulletin_with_the_keyboard_alone(
    app, live_server, browser, page, tmp_path
):
    create_member("ada@example.org", first_name="Ada", last_name="Lovelace")
    create_member("ben@example.org", first_name="Ben")
    audience = create_audience("Everyone on the list")
    user = create_staff_user("comms")
    target = f"{live_server}/get-involved"

    # 1. Sign in, then the keyboard alone: to the bulletins and a new campaign.
    sign_in(page, live_server, user)
    _press(page, "nav a[href='/staff/bulletins/campaigns']")
    page.wait_for_url("**/staff/bulletins/campaigns")
    _no_violations(page, "bulletins")
    _press(page, "a[href$='/campaigns/new']")
    page.wait_for_url("**/campaigns/new")
    _no_violations(page, "new campaign")
    for selector, text in (("#name", "Winter bulletin"), ("#subject", "Winter news"), ("#from_name", "Patient Voice")):
        _tab_to(page, selector)
        page.keyboard.type(text)
    _tab_to(page, "input[name=editor]")
    page.keyboard.press("ArrowDown")  # from Markdown to blocks
    assert page.is_checked("input[name=editor][value=blocks]")
    _tab_to(page, "#audience_id")
    page.keyboard.press("ArrowDown")
    assert page.input_value("#audience_id") == str(audience.id)
    _press(page, "form button[type=submit]")

    # 2. The block editor: a heading, a paragraph with a link, a picture and a button.
    page.wait_for_url(re.compile(r"/campaigns/(\d+)/blocks$"))
    campaign_id = int(re.search(r"/campaigns/(\d+)/blocks", page.url).group(1))
    _no_violations(page, "empty block editor")
    for number, (kind, words) in enumerate(
        (
            ("heading", "Winter vaccines, {{ first_name }}"),
            ("paragraph", f"Find out how to [get involved]({target}) this winter."),
        )
    ):
        _press(page, f"button[value=add-{kind}]")
        expect(page.locator("legend", has_text=f"Block {number + 1}: {kind.capitalize()}")).to_be_visible()
        # The new block's first field has the focus.
        expect(page.locator(f"#blocks-{number}-text")).to_be_focused()
        page.keyboard.type(words)
    _press(page, "button[value=add-image]")
    expect(page.locator("legend", has_text="Block 3: Image")).to_be_visible()
    expect(page.locator("#blocks-2-file")).to_be_focused()
    page.set_input_files("#blocks-2-file", _picture(tmp_path))
    _no_violations(page, "block editor with an image block")

    # Saved without alt text: refused, the picture kept, the message beside the alt text field.
    _press(page, "button[value=save]")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    alt_error = page.locator("#blocks-2-alt-error")
    expect(alt_error).to_contain_text("Describe the image for people who cannot see it")
    expect(page.locator(".nhsuk-form-group--error", has=page.locator("#blocks-2-alt"))).to_contain_text(
        "Describe the image"
    )
    assert "blocks-2-alt-error" in page.get_attribute("#blocks-2-alt", "aria-describedby")
    assert page.input_value("#blocks-2-image_id") != ""  # uploaded already, not lost
    expect(page.locator("fieldset img.involve-block-image")).to_be_visible()
    assert page.title().startswith("Error:")
    _no_violations(page, "block editor refusing an image without alt text")
    db.session.expire_all()
    assert db.session.get(Campaign, campaign_id).blocks is None  # nothing saved

    _press(page, ".nhsuk-error-summary a[href='#blocks-2-alt']")
    expect(page.locator("#blocks-2-alt")).to_be_focused()
    page.keyboard.type("A nurse giving a vaccine at a clinic")
    _press(page, "button[value=add-button]")
    expect(page.locator("legend", has_text="Block 4: Button")).to_be_visible()
    expect(page.locator("#blocks-3-text")).to_be_focused()
    page.keyboard.type("Find a clinic")
    page.keyboard.press("Tab")
    assert _focused(page, "#blocks-3-url")
    page.keyboard.type("https://example.org/clinics")
    page.keyboard.press("Enter")  # Enter in a field presses the form's first button: Save
    page.wait_for_url(f"**/campaigns/{campaign_id}")
    expect(page.get_by_text("Content saved.")).to_be_visible()
    assert page.locator("#checklist [data-check=fail]").count() == 0
    _no_violations(page, "campaign ready to send")

    # 3. The preview: envelope, desktop, mobile and plain text; then as a member of the audience.
    _press(page, f"a[href$='/campaigns/{campaign_id}/preview']")
    page.wait_for_url(f"**/campaigns/{campaign_id}/preview")
    envelope = page.locator("#envelope")
    expect(envelope).to_contain_text("Winter news")
    expect(envelope).to_contain_text("Patient Voice")
    for frame in ("The email on a desktop screen", "The email on a phone"):
        body = page.frame_locator(f"iframe[title='{frame}']").locator("body")
        expect(body).to_contain_text("Winter vaccines, Sam")
        expect(body.locator("img[alt='A nurse giving a vaccine at a clinic']")).to_have_count(1)
    plain = page.locator(".involve-plain-text")
    expect(plain).to_contain_text("Winter vaccines, Sam")
    expect(plain).to_contain_text("Find a clinic (https://example.org/clinics)")
    _no_violations(page, "preview")
    _tab_to(page, "#sample")
    page.keyboard.type("ada@example.org")
    page.keyboard.press("Enter")
    page.wait_for_url("**sample=ada%40example.org*")
    expect(envelope).to_contain_text("Ada Lovelace <ada@example.org>")
    expect(page.frame_locator("iframe[title='The email on a desktop screen']").locator("h2")).to_contain_text(
        "Winter vaccines, Ada"
    )
    expect(plain).to_contain_text("Winter vaccines, Ada")
    _no_violations(page, "preview for a member")
    _press(page, "a.nhsuk-back-link", back=True)
    page.wait_for_url(f"**/campaigns/{campaign_id}")

    # 4. A test to one address, then the real send through the confirmation page.
    _tab_to(page, "#address")
    page.keyboard.type("comms.test@example.nhs.uk")
    page.keyboard.press("Tab")
    assert _focused(page, "button:has-text('Send test')")
    page.keyboard.press("Space")
    page.wait_for_load_state()
    expect(page.get_by_text("Test sent.")).to_be_visible()
    (test,) = _messages(app, "comms.test@example.nhs.uk")
    assert test["subject"] == "[Test] Winter news" and "Winter vaccines, Sam" in test["html"]
    assert _messages(app, "ada@example.org") == []  # a test goes to nobody else
    _no_violations(page, "campaign after a test send")

    _press(page, f"a[href$='/campaigns/{campaign_id}/send']", back=True)
    page.wait_for_url(f"**/campaigns/{campaign_id}/send")
    expect(page.locator("h1")).to_have_text("Send this campaign to 2 people now?")
    _no_violations(page, "confirm send")
    _press(page, "form button:has-text('Send to 2 people')")
    page.wait_for_url(f"**/campaigns/{campaign_id}")
    expect(page.get_by_text("Sending to 2 recipients.")).to_be_visible()
    expect(page.locator("#progress [data-count=sent]")).to_have_text("2")
    _no_violations(page, "campaign sent")

    # 5. The email as Ada receives it.
    (message,) = _messages(app, "ada@example.org")
    assert message["subject"] == "Winter news"
    html = message["html"]
    assert "Winter vaccines, Ada" in html
    image = re.search(r'<img src="([^"]+/bulletin-images/[^"]+)" alt="([^"]*)"', html)
    assert image and image.group(1).startswith(live_server + "/bulletin-images/")
    assert image.group(2) == "A nurse giving a vaccine at a clinic"
    assert html.count("/unsubscribe/") == 1
    assert target not in html  # links go through the click tracker
    text = message["text"]
    assert "Winter vaccines, Ada" in text and "Find a clinic" in text and target in text
    assert text.count("/unsubscribe/") == 1
    assert not re.search(r"<[a-z/][^>]*>", text) and "**" not in text and "&amp;" not in text

    # Read the report before anyone clicks.
    _press(page, f"a[href$='/campaigns/{campaign_id}/report']")
    page.wait_for_url(f"**/campaigns/{campaign_id}/report")
    clicks = page.locator("#summary tr", has_text="Unique human clicks").locator("td")
    expect(clicks).to_have_text("0")
    _no_violations(page, "report before any click")

    # Ada reads it an hour after it arrived, in her own browser, and follows the link by keyboard.
    db.session.execute(
        update(Delivery).where(Delivery.campaign_id == campaign_id).values(sent_at=now() - timedelta(hours=1))
    )
    db.session.commit()
    reader_context = browser.new_context(bypass_csp=True, user_agent=READER_AGENT)
    try:
        reader = reader_context.new_page()
        reader.set_default_timeout(10_000)
        reader.set_content(html)
        picture = reader.locator("img[alt='A nurse giving a vaccine at a clinic']")
        expect(picture).to_be_visible()
        assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
        # An email is shown inside a mail client's own page, so the rules for a whole page (one main
        # landmark, a level-one heading) are not its to meet; every WCAG rule is.
        _no_violations(reader, "the email", WCAG_TAGS)
        link = reader.locator("a", has_text="get involved")
        assert link.get_attribute("href").startswith(f"{live_server}/t/c/")
        _tab_to(reader, "a:text('get involved')")
        with reader.expect_navigation():
            reader.keyboard.press("Enter")
        assert reader.url == target
        expect(reader.locator("h1")).to_be_visible()
        _no_violations(reader, "the page the link opens")
    finally:
        reader_context.close()

    # 6. The report, brought up to date, counts her click.
    _press(page, "form button:has-text('Update now')")
    page.wait_for_load_state()
    expect(page.get_by_text("Figures updated.")).to_be_visible()
    expect(clicks).to_have_text("1")
    link_row = page.locator("#links tr", has_text=target)
    expect(link_row.locator("td").nth(1)).to_have_text("1")
    expect(page.locator("#links tr", has_text="https://example.org/clinics").locator("td").nth(1)).to_have_text("0")
    _no_violations(page, "report after the click")
