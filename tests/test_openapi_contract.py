"""The OpenAPI schema is the contract: schemathesis fuzzes every operation, signed in as alice.

Every check schemathesis has runs (server errors, documented statuses, content
types, headers, response bodies, `Allow` on OPTIONS, schema-violating requests
refused, 415 for a wrong content type), except `positive_data_acceptance`: it
expects any schema-valid body to succeed, and the services refuse valid-looking
data the schema cannot state (a common password, an unknown time zone, a wrong
current password, a commitment already checked in today).

A fixed budget keeps it near a minute on both databases; SCHEMATHESIS_EXAMPLES
raises it for a deeper run (bench/bench_hostile.py runs 100 an operation).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from server.app import create_app
from server.settings import get_settings
from tests.conftest import Browser

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))
EXCLUDED = [positive_data_acceptance]

contract = schemathesis.openapi.from_dict(
    create_app(get_settings(), run_migrations=False).openapi_schema.to_schema()
)


def call(case: schemathesis.Case, person: Browser) -> object:
    """Send a generated request from `person`'s browser: their session and CSRF token."""
    request = case.as_transport_kwargs(base_url="http://testserver.local")
    request.pop("cookies", None)
    headers = {**request.pop("headers"), "x-csrftoken": person.csrf()}
    if "data" in request and isinstance(request["data"], bytes | str):
        request["content"] = request.pop("data")
    return person.client.request(headers=headers, **request)


@pytest.mark.contract
@contract.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples every run
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_api_operation_keeps_to_the_openapi_schema(case, alice: Browser, bridge):
    case.validate_response(call(case, alice), excluded_checks=EXCLUDED)
