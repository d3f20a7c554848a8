"""The Welsh and Urdu catalogues are complete: every message the public pages show is translated."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["cy", "ur"]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"<(/?\w+)[^>]*>")


def _catalogue(language: str):
    with open(ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def _extracted(tmp_path) -> set[str]:
    """The messages in the code and templates now, as `pybabel extract` (babel.cfg) finds them."""
    out = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-o", str(out), "."],
        cwd=ROOT,
        check=True,
    )
    with open(out, "rb") as pot:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    catalogue = _catalogue(language)
    assert not catalogue.fuzzy
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(message.id)
        if isinstance(message.id, tuple) and len(strings) != catalogue.num_plurals:
            problems.append(message.id)
    assert problems == []
    assert len([m for m in catalogue if m.id]) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_links_are_the_same_in_each_translation(language):
    problems = []
    for message in _catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if sorted(PLACEHOLDER.findall(string)) != sorted(PLACEHOLDER.findall(ids[0])):
                problems.append(("placeholders", ids[0], string))
            if sorted(TAG.findall(string)) != sorted(TAG.findall(ids[0])):
                problems.append(("markup", ids[0], string))
    assert problems == []


def test_the_catalogues_hold_every_message_the_pages_show(tmp_path):
    wanted = _extracted(tmp_path)
    assert "Skip to main content" in wanted and "Privacy notice" in wanted
    for language in LANGUAGES:
        held = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue(language) if m.id}
        assert sorted(wanted - held) == [], f"{language}: run pybabel extract and update (see README)"


def test_the_compiled_catalogues_translate(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context("/"):
        with force_locale("cy"):
            assert gettext("Privacy notice") == "Hysbysiad preifatrwydd"
        with force_locale("ur"):
            assert gettext("Privacy notice") == "رازداری کا نوٹس"
