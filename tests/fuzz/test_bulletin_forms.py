"""Whatever staff post to the campaign and audience forms: never an error page, a refusal writes
nothing, and a saved form keeps what was sent."""

from collections import Counter

from hypothesis import given

from app.extensions import db
from app.members import services as members
from app.members.vocab import CONTACT_TYPES, SELF_REPORTED_AGE_BANDS, STATUSES
from app.newsletters.models import Audience, Campaign
from tests.factories import create_practice, create_staff_user, csrf_token, login
from tests.fuzz.forms import FUZZ, Field, assert_refused_cleanly, form, never_an_error, post, received, row_counts
from tests.newsletters.factories import BODY, create_audience, create_campaign
from tests.rosters.factories import create_roster


def _signed_in(client):
    login(client, create_staff_user("comms"))
    return csrf_token(client.get("/staff/bulletins/campaigns/new").get_data(as_text=True))


def campaign_fields(audience_id: str, template_id: str) -> dict:
    missing = str(int(audience_id) + 1000)
    return {
        "name": Field(["April bulletin", "  Spring  ", "x" * 200], bad=("", "x" * 201)),
        "subject": Field(["News from your ICB", "", "y" * 200], bad=("y" * 201, "Line\r\nBcc: all@example.org")),
        "from_name": Field(["", "Engagement team", "z" * 200], bad=("z" * 201, "Team\x07")),
        "from_address": Field(["", "news@example.nhs.uk"], bad=("news@", "not an address")),
        "body_markdown": Field([BODY, "", "Hi {{first_name}}"], bad=("Hi {{ nickname }}",)),
        "template_id": Field(["", template_id], bad=(missing, "0", "abc", "2147483648")),
        "audience_id": Field(["", audience_id], bad=(missing, "-1", "1.5")),
        "is_public": ["", "y"],
        "anonymous_tracking": ["", "y"],
        "send_rate": Field(["", "1", "50", "100000"], bad=("0", "100001", "ten", "1e3")),
        "purpose": Field(["bulletin", "involvement"], bad=("marketing",)),
    }


def _check_campaign(campaign, sent, template, purpose_before):
    first = sent.to_dict()
    assert campaign.name == first["name"].strip()
    assert campaign.subject == first.get("subject", "").strip()
    assert campaign.from_name == first.get("from_name", "").strip()
    assert campaign.from_address == first.get("from_address", "").strip()
    body = first.get("body_markdown", "")
    if first.get("template_id") and not body.strip():
        body = template.body_markdown  # a blank body starts from the chosen template
    assert campaign.body_markdown == body
    assert campaign.template_id == (int(first["template_id"]) if first.get("template_id") else None)
    assert campaign.audience_id == (int(first["audience_id"]) if first.get("audience_id") else None)
    assert campaign.is_public == bool(first.get("is_public"))
    assert campaign.anonymous_tracking == bool(first.get("anonymous_tracking"))
    assert campaign.send_rate == (int(first["send_rate"]) if first.get("send_rate") else None)
    # A blank purpose keeps a draft's purpose; a new campaign is a bulletin.
    assert campaign.purpose == (first.get("purpose") or purpose_before)


def test_the_campaign_form_refuses_cleanly_or_keeps_what_was_sent(app, client):
    from app.newsletters import campaigns

    token = _signed_in(client)
    audience = create_audience()
    template = campaigns.save_template("Monthly", BODY)
    existing = create_campaign(audience)
    fields = campaign_fields(str(audience.id), str(template.id))
    seen = Counter()

    @FUZZ
    @given(pairs=form(fields, extra_names=["status", "id", "created_by_id"]))
    def posting(pairs):
        # New campaigns and edits of a draft: both go through the same checks.
        for url in ("/staff/bulletins/campaigns/new", f"/staff/bulletins/campaigns/{existing.id}/edit"):
            before = row_counts()
            db.session.expire_all()
            purpose_before = db.session.get(Campaign, existing.id).purpose if url.endswith("/edit") else "bulletin"
            response, raw = post(client, url, pairs, token)
            never_an_error(response)
            seen[response.status_code] += 1
            if response.status_code == 302:
                campaign_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
                db.session.expire_all()
                campaign = db.session.get(Campaign, campaign_id)
                assert campaign.status == "draft"
                _check_campaign(campaign, received(raw), template, purpose_before)
            else:
                assert_refused_cleanly(response, before)

    posting()
    assert seen[302] and seen[400], seen


def test_the_audience_form_refuses_cleanly_or_keeps_what_was_sent(app, client):
    members.ensure_default_topics()
    token = _signed_in(client)
    practice = create_practice()
    roster = create_roster()
    existing = create_audience("Everyone")
    ids = lambda good: Field([good], bad=(str(int(good) + 1000), "0", "x", "2147483648"), checkboxes=True)  # noqa: E731
    fields = {
        "name": Field(["Carers in the north", " Everyone ", "n" * 200], bad=("", " ", "n" * 201)),
        "kind": Field(["segment", "list"], bad=("everyone",)),
        "topics": Field(["mental-health", "maternity"], bad=("nope",), checkboxes=True),
        "practice_ids": ids(str(practice.id)),
        "roster_ids": ids(str(roster.id)),
        "contact_types": Field([*CONTACT_TYPES], bad=("alien",), checkboxes=True),
        "age_bands": Field([*SELF_REPORTED_AGE_BANDS], bad=("17_23",), checkboxes=True),
        "statuses": Field([*STATUSES], bad=("deleted",), checkboxes=True),
        "opened_last": Field(["", "1", "3", "12"], bad=("4", "-1", "1e9")),
        "action": ["", "save", "preview"],
    }
    seen = Counter()

    @FUZZ
    @given(pairs=form(fields, extra_names=["filter", "imd_deciles", "survey_followers"]))
    def posting(pairs):
        for url in ("/staff/bulletins/audiences/new", f"/staff/bulletins/audiences/{existing.id}"):
            before = row_counts()
            response, raw = post(client, url, pairs, token)
            never_an_error(response)
            sent = received(raw)
            seen[response.status_code] += 1
            if sent.get("action") == "preview" and response.status_code == 200:
                assert row_counts() == before  # a preview saves nothing
            elif response.status_code == 302:
                db.session.expire_all()
                audience = db.session.get(Audience, existing.id) if url.endswith(str(existing.id)) else None
                audience = audience or db.session.scalars(db.select(Audience).order_by(Audience.id.desc())).first()
                assert audience.name == sent.get("name").strip()
                assert audience.kind == sent.get("kind", "segment")
                for name in ("topics", "contact_types", "age_bands", "statuses"):
                    assert audience.filter.get(name, []) == sorted({v for v in sent.getlist(name) if v}), name
                for name in ("practice_ids", "roster_ids"):
                    assert audience.filter.get(name, []) == sorted({int(v) for v in sent.getlist(name) if v}), name
                assert audience.filter.get("opened_last", []) == (
                    [int(sent["opened_last"])] if sent.get("opened_last") else []
                )
            else:
                assert_refused_cleanly(response, before)

    posting()
    assert seen[302] and seen[400], seen
