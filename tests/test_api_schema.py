"""The API against its own OpenAPI description, on the demo's data:
schemathesis generates requests for every operation from the description
and checks that no answer is a server error and that every answer (status,
headers, body) is what the description says."""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 40
# What the description promises. Not "positive data acceptance": a filter's
# value can be well-formed and still name no published entity or term,
# which is a 400 the description lists, not an error of the API.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def demo(settings):
    settings.DOSSIER_API_RATE = "100000/min"  # schemathesis sends many requests
    settings.ALLOWED_HOSTS = ["*"]
    call_command("load_demo", force=True, verbosity=0)
    cache.clear()
    # As Django's test client does: a request must not close the test's
    # connection (and its transaction) when it ends.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def operations():
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    return [result.ok() for result in schema.get_all_operations()]


def test_every_operation_answers_as_its_openapi_description_says(demo):
    checked = []
    for operation in operations():

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,  # the same requests on every run: a failure can be replayed
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()
        checked.append(operation.path)
    assert len(checked) == 7
