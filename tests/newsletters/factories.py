"""Factories for bulletin tests: each makes real rows through the services."""

from app.newsletters import audiences, campaigns

BODY = "Hello {{ first_name }},\n\nRead [our news](https://example.org/news) today.\n\n[Unsubscribe]({{ unsubscribe_url }})"


def create_audience(name: str = "Everyone", filters: dict | None = None, kind: str = "list"):
    return audiences.save_audience(name, filters or {}, kind)


def create_campaign(audience=None, body: str = BODY, **fields):
    audience = audience or create_audience()
    data = {
        "name": fields.pop("name", "March bulletin"),
        "subject": fields.pop("subject", "News from your ICB"),
        "body_markdown": body,
        "audience_id": audience.id,
        **fields,
    }
    return campaigns.save_campaign(data)
