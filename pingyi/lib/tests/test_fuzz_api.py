"""Schemathesis against the API, in-process: whatever it sends, the answer is in the schema and is
never a 500. Bounded (a few examples per operation) so it stays well under a minute in `make test`."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from pingyi.accounts.actions import do_create_token
from pingyi.api import api
from pingyi.dupcheck import actions as dupcheck
from pingyi.testing import make_cadre, make_city, make_personas

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("PINGYI_FUZZ_EXAMPLES", "25"))
# Derandomized in the suite: the same examples every run, so CI is repeatable; `make fuzz` sets the
# number and lets Hypothesis explore.
BOUNDED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize="PINGYI_FUZZ_EXAMPLES" not in os.environ,
)

SCHEMA = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
SCHEMA.app = get_wsgi_application()
# Refusals the schema cannot foresee, by operation: a text can be all page furniture (a copyright
# line, a menu), which only the check itself can tell; it answers 400 with the reason.
SEMANTIC_REFUSALS = {("/api/v1/dupcheck/checks", "POST")}
# Accounts: whether a role fits the unit, a name is still free, or an organizer is disabling or demoting
# themselves depends on the database, not the request; answered 400 with the reason.
SEMANTIC_REFUSALS |= {
    ("/api/v1/users", "POST"),
    ("/api/v1/users/{user_id}", "PATCH"),
    ("/api/v1/users/{user_id}/disable", "POST"),
    ("/api/v1/users/bulk", "POST"),
}
OPERATIONS = [(path, method.upper()) for path, item in SCHEMA.raw_schema["paths"].items() for method in item]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    # The WSGI app closes database connections when a request ends, as a server must; inside a test's
    # transaction that would close the test's own. Django's test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def organizer_token():
    city = make_city()
    make_cadre(city.qingshan)
    organizer = make_personas(city).organizer
    dupcheck.do_check_text(title="样本", text="乡镇党委书记述职报告。今年以来全镇上下团结一心。")
    return do_create_token(organizer, "fuzz")[1]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_every_answer_is_in_the_schema_and_none_is_a_server_error(path, method, organizer_token):
    operation = SCHEMA[path][method]
    headers = {"Authorization": f"Bearer {organizer_token}"}

    @given(case=operation.as_strategy())
    @BOUNDED
    def fuzz(case):
        excluded = [positive_data_acceptance] if (path, method) in SEMANTIC_REFUSALS else []
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    fuzz()
