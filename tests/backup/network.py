"""A small but varied network to back up: members with equality answers, a sent campaign, a survey
response, an upload waiting to be imported and emails in the outbox."""

from app.newsletters import sending
from tests.factories import create_member, create_staff_user
from tests.newsletters.factories import create_campaign
from tests.surveys.factories import create_survey, questions_of
from tests.surveys.response_factories import create_response

UPLOAD = b"Email,First name\nnew.person@example.org,Nia\n"


def populate(site) -> None:
    """Fill a site's database and folders (inside its app context)."""
    create_staff_user("admin")
    create_member("priya@example.org", first_name="Priya", equality={"sex": "female", "ethnic_group": "asian"})
    create_member(
        "tomasz@example.org",
        first_name="Tomasz",
        equality={"sex": "male", "ethnic_group": "white", "religion": "christian", "disability": "yes"},
    )
    create_member("sam@example.org", first_name="Sam")
    campaign = create_campaign(name="June bulletin")
    assert sending.start_send(campaign.id) == 3  # writes three emails to the outbox
    survey = create_survey()
    choice, text = questions_of(survey)
    create_response(survey, answers={choice.id: "bus", text.id: "More buses"}, equality={"sex": "female"})
    site.imports.mkdir(exist_ok=True)
    (site.imports / "3f9c0a.csv").write_bytes(UPLOAD)
    (site.imports / "nested").mkdir(exist_ok=True)
    (site.imports / "nested" / "bytes.bin").write_bytes(bytes(range(256)) * 10)
