"""The plain-text part is written from the rendered content: text and addresses, no markup."""

from app.newsletters import sending
from tests.factories import create_member
from tests.newsletters.factories import create_campaign

BODY = """## What's new

Hello {{ first_name }}, **read** our [winter news](https://example.org/winter) & more.

- Flu jabs
- [Pharmacy hours](https://example.org/pharmacy)

In order:

1. First
2. Second

<script>alert("x")</script>

[Unsubscribe]({{ unsubscribe_url }})
"""


def test_the_plain_text_part_has_no_markup_and_spells_out_links(app, outbox):
    create_member(first_name="<b>Al</b>")
    sending.start_send(create_campaign(body=BODY, subject="Winter news for {{ first_name }}").id)
    (message,) = outbox()
    text = message["text"]
    assert "What's new" in text
    assert "Hello <b>Al</b>, read our winter news (https://example.org/winter) & more." in text
    assert "* Flu jabs\n  * Pharmacy hours" in text and "Pharmacy hours (https://example.org/pharmacy)" in text
    assert "1. First" in text and "2. Second" in text
    for markup in ("**", "](", "##", "<script", "alert(", "&amp;", "<p>", "{{", "%%"):
        assert markup not in text, markup
    assert text.startswith("Winter news for <b>Al</b>\n")
    assert "Unsubscribe (http://localhost/unsubscribe/" in text
    assert (
        "&lt;b&gt;Al&lt;/b&gt;" in message["html"]
        and "<title>Winter news for &lt;b&gt;Al&lt;/b&gt;</title>" in message["html"]
    )
