"""The API is what its OpenAPI document says, under an outside fuzzer (schemathesis).

Schemathesis reads /api/v1/openapi.json from the running server and, with a token of each role,
runs its phases over HTTP as an API client's developer would: coverage (edge values of every
parameter, missing and extra fields, unsupported methods), fuzzing, and stateful sequences
following the links the document declares. Every check it has is applied to every answer: no 500,
bodies and headers match the document, valid requests accepted (or refused for what is stored,
422), invalid ones refused (400), 405 carries Allow. Settings live in schemathesis.toml, which
the schemathesis CLI reads too.
"""

import os
import tomllib
from pathlib import Path

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from app.auth import services as auth
from app.auth.permissions import ROLES
from tests.factories import create_member

SETTINGS = tomllib.loads((Path(__file__).parents[2] / "schemathesis.toml").read_text())
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "10"))


def fuzz(server: str, secret: str) -> tuple[dict, dict]:
    """({phase: requests made}, {(operation, check, title): message}) for one run over the whole API."""
    settings = {
        **SETTINGS,
        "headers": {"Authorization": f"Bearer {secret}"},
        "generation": {**SETTINGS["generation"], "max-examples": EXAMPLES, "database": "none"},
    }
    schema = schemathesis.openapi.from_url(
        server + "/api/v1/openapi.json", config=SchemathesisConfig.from_dict(settings)
    )
    made: dict[str, int] = {}
    failures: dict[tuple, str] = {}
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            made[event.phase.name] = made.get(event.phase.name, 0) + len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        key = (event.recorder.label, check.name, failure.title)
                        failures.setdefault(key, f"{failure.message}\n{check.failure_info.code_sample}"[:2000])
        elif isinstance(event, events.NonFatalError | events.FatalError):
            failures.setdefault(("run", type(event).__name__, ""), str(event.info)[:2000])
    return made, failures


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_operation_keeps_the_documented_contract(app, live_server, role):
    create_member("fuzz.member@example.org")
    _, secret = auth.create_api_token(f"{role} client", role)
    made, failures = fuzz(live_server, secret)
    print(f"\n{role}: requests per phase {made}; {len(failures)} failures")
    # Every phase ran and made requests: a run that tested nothing would pass anything.
    assert made.get("COVERAGE", 0) > 500 and made.get("FUZZING", 0) > 100 and made.get("STATEFUL_TESTING", 0) > 0
    assert not failures, "\n\n".join(f"{' / '.join(key)}\n{text}" for key, text in failures.items())


def test_the_fuzzer_finds_a_broken_contract(app, live_server, monkeypatch):
    """The run above fails when the server breaks its document: here, timestamps lose their offset."""
    from app.api import timestamps

    monkeypatch.setattr(timestamps, "_with_offset", lambda value: value.replace(tzinfo=None))
    _, secret = auth.create_api_token("admin client", "admin")
    _, failures = fuzz(live_server, secret)
    assert any(check == "response_schema_conformance" for _, check, _ in failures)
