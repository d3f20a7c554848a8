"""Languages of the public pages: English, Welsh and Urdu, from gettext catalogues.

A person picks a language with the switch on every public page (a `lang` query that
is then kept in a cookie); otherwise their browser's Accept-Language header chooses among
the supported ones; otherwise English. Staff pages are always in English.
"""

from urllib.parse import urlencode

from flask import Flask, before_render_template, g, has_request_context, request
from flask_babel import Babel, get_locale, gettext, refresh
from markupsafe import Markup

# Each language in its own name, as the switch shows it.
LANGUAGES = {"en": "English", "cy": "Cymraeg", "ur": "اردو"}
RIGHT_TO_LEFT = {"ur"}
DEFAULT = "en"
COOKIE = "involve_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

# Blueprints whose pages residents see, and so are shown in the chosen language.
# Pages without a blueprint (a 404 for an unknown address) count as public too.
# (bulletins_public also answers tracking pixels and webhooks, which show no page.)
PUBLIC_BLUEPRINTS = {None, "public", "consultations", "survey_public", "events", "bulletins_public"}

# Public pages whose text is not in the catalogues yet: shown in English, marked lang="en" and
# left to right, whatever language was chosen, rather than English text marked as Welsh or Urdu.
# Every public page is translated now; a new one may be listed here until its text is.
NOT_YET_TRANSLATED: set[str] = set()

# What a member may have written as their language, mapped to a catalogue we have.
_MEMBER_LANGUAGES = {
    "cy": "cy",
    "welsh": "cy",
    "cymraeg": "cy",
    "ur": "ur",
    "urdu": "ur",
    "اردو": "ur",
}

babel = Babel()


def _supported(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return code if code in LANGUAGES else None


def select_locale() -> str:
    if not has_request_context() or request.blueprint not in PUBLIC_BLUEPRINTS:
        return DEFAULT
    if g.get("involve_english_page"):
        return DEFAULT
    if "lang" in request.args:
        # An unknown code asks for a language we do not have: English, not the cookie's.
        return _supported(request.args.get("lang")) or DEFAULT
    chosen = _supported(request.cookies.get(COOKIE))
    if chosen:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT) or DEFAULT


def member_locale(language: str | None, page_language: str | None = None) -> str:
    """The catalogue to write to a member in: their communication language when we have it, else the
    language of the page they asked from, else English."""
    return _MEMBER_LANGUAGES.get((language or "").strip().lower()) or _supported(page_language) or DEFAULT


def current_language() -> str:
    return str(get_locale() or DEFAULT)


def text_direction() -> str:
    return "rtl" if current_language() in RIGHT_TO_LEFT else "ltr"


def language_links() -> list[dict]:
    """The switch: this page again in each language, keeping any other query parameters."""
    current = current_language()
    path, kept = request.path, [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    if request.url_rule is None or "GET" not in (request.url_rule.methods or ()):
        # The answer to a form that cannot be opened again by its address (unsubscribe): the home page.
        path, kept = "/", []
    offered = g.get("involve_offered_languages") or list(LANGUAGES)
    links = []
    for code, name in LANGUAGES.items():
        if code not in offered:
            continue
        href = path + "?" + urlencode([*kept, ("lang", code)])
        links.append({"code": code, "name": name, "href": href, "current": code == current})
    if [link["code"] for link in links] == [current]:
        return []
    return links


def offer_only(codes: list[str], notice: str = "") -> None:
    """This page is offered only in these languages (a survey's), with a notice shown beside the switch."""
    g.involve_offered_languages = [code for code in codes if code in LANGUAGES]
    g.involve_language_notice = notice


def language_notice() -> str:
    return g.get("involve_language_notice", "") if has_request_context() else ""


def set_content_language(code: str) -> None:
    """The language of the text staff wrote on this page (a survey's questions), when it may not be the page's."""
    g.involve_content_language = code


def own_lang() -> Markup:
    """lang (and dir) attributes for staff's own text on this page, when it is not in the page's language."""
    language = g.get("involve_content_language") if has_request_context() else None
    page = current_language()
    if not language or language == page:
        return Markup("")
    attributes = Markup(' lang="{}"').format(language)
    if (language in RIGHT_TO_LEFT) != (page in RIGHT_TO_LEFT):
        attributes += Markup(' dir="rtl"') if language in RIGHT_TO_LEFT else Markup(' dir="ltr"')
    return attributes


def own(text):
    """Staff's own text, marked with its language when that is not the page's."""
    attributes = own_lang()
    if not attributes or not text:
        return text
    return Markup("<span%s>%s</span>") % (attributes, text)


def N_(text: str) -> str:
    """Marks English text made in Python (a validation message, an answer's label) for the catalogues.

    The text itself stays English, so what is stored, exported or shown to staff is unchanged;
    a public page translates it where it is shown, with the `translated` filter.
    """
    return text


def translated(text):
    """A message made elsewhere (an error page's title, a form's error), in the page's language when
    the catalogue has it; anything else (staff's own words, an already translated text) as it is."""
    return gettext(text) if isinstance(text, str) and text else text


def _new_request() -> None:
    g.pop("involve_english_page", None)
    refresh()


def _english_if_not_yet_translated(app, template, context, **extra) -> None:
    if template.name in NOT_YET_TRANSLATED and has_request_context():
        g.involve_english_page = True
        refresh()
        context.update(current_language=DEFAULT, text_direction="ltr")


def _remember_choice(response):
    if request.blueprint in PUBLIC_BLUEPRINTS and "lang" in request.args:
        code = _supported(request.args.get("lang")) or DEFAULT
        response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", secure=request.is_secure)
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    # Dates and times are shown in UK time, as everywhere (the database keeps naive UTC).
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/London")
    babel.init_app(app, locale_selector=select_locale)
    # Whitespace inside {% trans %} blocks is collapsed, as `pybabel extract` (babel.cfg) does.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    # The locale is cached on the app context; one held open across requests (as the tests do)
    # would otherwise carry one request's language into the next.
    app.before_request(_new_request)
    app.after_request(_remember_choice)
    before_render_template.connect(_english_if_not_yet_translated, app)
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.globals.update(own=own, own_lang=own_lang, language_notice=language_notice)

    @app.context_processor
    def _language_globals():
        public = not has_request_context() or request.blueprint in PUBLIC_BLUEPRINTS
        return {
            "current_language": current_language(),
            "text_direction": text_direction(),
            "language_links": language_links if public else None,
        }
