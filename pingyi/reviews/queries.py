"""Reads that several pages share: latest report versions, who has not submitted (催报), to-do counts."""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Subquery

from pingyi.accounts.access import scoped
from pingyi.accounts.models import Role, User
from pingyi.dupcheck import actions as dupcheck_actions
from pingyi.dupcheck.models import CheckResult

from .models import STAGE_ORDER, STAGE_WINDOWS, Appraisee, DutyReport, ReportStatus, Review, Stage


def latest_reports():
    """Each appraisee's latest report version (one row per appraisee that has any)."""
    newest = DutyReport.objects.filter(appraisee=OuterRef("appraisee")).order_by("-version").values("pk")[:1]
    return DutyReport.objects.filter(pk=Subquery(newest))


def stages_allowing(action: str) -> list[str]:
    first, last = STAGE_WINDOWS[action]
    return [
        s.value for s in STAGE_ORDER[STAGE_ORDER.index(Stage(first)) : STAGE_ORDER.index(Stage(last)) + 1]
    ]


def awaiting_review():
    """Latest versions still 待审核 in rounds where they can still be decided."""
    return latest_reports().filter(
        status=ReportStatus.SUBMITTED, appraisee__review__stage__in=stages_allowing("decide_report")
    )


@dataclass
class Outstanding:
    """An appraisee whose report is still owed: none submitted, or the latest returned."""

    appraisee: Appraisee
    returned: DutyReport | None  # the returned version, with its reason
    clerks: list[str]  # who fills in for the township

    @property
    def status(self) -> str:
        return "已退回，待重新提交" if self.returned else "未提交"


def outstanding(review: Review, user) -> list[Outstanding]:
    """催报: the appraisees in `user`'s scope who owe `review` a report, in speaking order."""
    appraisees = scoped(user, review.appraisees.select_related("cadre", "unit", "unit__parent"), "unit__path")
    latest = {r.appraisee_id: r for r in latest_reports().filter(appraisee__review=review)}
    owing = [
        a
        for a in appraisees.order_by("order")
        if a.pk not in latest or latest[a.pk].status == ReportStatus.RETURNED
    ]
    clerks: dict[int, list[str]] = {}
    for clerk in User.objects.filter(
        role=Role.TOWNSHIP_CLERK, is_active=True, unit__in=[a.unit_id for a in owing]
    ).order_by("username"):
        clerks.setdefault(clerk.unit_id, []).append(clerk.full_name or clerk.username)
    return [Outstanding(a, latest.get(a.pk), clerks.get(a.unit_id, [])) for a in owing]


def with_versions(appraisees):
    """Each appraisee with `versions`: their reports, latest first."""
    return appraisees.prefetch_related(
        Prefetch("reports", queryset=DutyReport.objects.order_by("-version"), to_attr="versions")
    )


def latest_checks(request, appraisees, *, refresh: bool) -> dict[int, CheckResult]:
    """appraisee id → the 查重 result of their latest report version (see `with_versions`);
    stale ones rechecked first if `refresh`."""
    latest = {a.pk: a.versions[0].dupcheck_document_id for a in appraisees if a.versions}
    results = dupcheck_actions.do_results_for(
        latest.values(), refresh=refresh, user=request.user, request=request
    )
    return {pk: results[d] for pk, d in latest.items() if d in results}
