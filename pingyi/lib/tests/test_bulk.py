"""lib/bulk: set-based inserts give each row its own id, in the order of the rows."""

import pytest

from pingyi.lib import bulk
from pingyi.org.models import Unit
from pingyi.testing import make_unit

pytestmark = pytest.mark.django_db


def test_insert_returning_gives_each_row_its_id_and_the_registry_goes_on_numbering_after_them():
    first = make_unit("379900000000", "示例市", "市")
    codes = [f"3799{n:08d}" for n in range(1, 1201)]
    ids = bulk.insert_returning(
        Unit, ["code", "name", "kind", "path"], [(code, f"单位{code}", "镇", f"{code}/") for code in codes]
    )
    assert len(set(ids)) == len(codes) and first.pk not in ids
    assert dict(Unit.objects.exclude(pk=first.pk).values_list("pk", "code")) == dict(
        zip(ids, codes, strict=True)
    )
    later = make_unit("379800000000", "另一市", "市")
    assert later.pk not in ids


def test_json_is_stored_as_each_row_gives_it_whether_rows_share_one_object_or_not():
    from django.utils import timezone

    from pingyi.audit.models import AuditEvent

    shared, other = {"来源": "任免审批表", "项": [1, 2]}, {"来源": "名册"}
    now = timezone.now()
    rows = [
        (now, "", "导入", f"第{n}行", "", detail)
        for n, detail in enumerate([shared, shared, other, shared, {}])
    ]
    bulk.insert(AuditEvent, ["at", "actor_name", "action", "target", "summary", "detail"], rows)
    assert list(AuditEvent.objects.filter(action="导入").order_by("target").values_list("target", "detail")) == [
        ("第0行", shared), ("第1行", shared), ("第2行", other), ("第3行", shared), ("第4行", {})
    ]  # fmt: skip
