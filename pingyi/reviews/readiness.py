"""What is not ready before a round moves to its next stage (the checklist the organizer confirms).

A gap never stops a move by itself: the organizer may proceed, and what was overridden goes to the
audit log. Hard preconditions (appraisees before 报告提交, a meeting date before 会议) stay in
`actions._check_ready`, and the ballots app refuses publication with a small group in its stage hook;
such refusals are listed here as `blocking` so the checklist says so before the click.

Entering 测评, 结果公布 or 归档 cannot be undone (a round goes back only before 测评): those steps
always ask for a typed confirmation, the others only when something is not ready.
"""

from dataclasses import dataclass

from django.urls import reverse

from .models import STAGE_ORDER, Problem, ReportStatus, Review, Stage


@dataclass(frozen=True)
class Gap:
    key: str  # stable identity of this gap ("reports_missing"), to tell whether the list changed
    text: str  # one Chinese sentence naming who or what
    link: str = ""  # where to fix it
    blocking: bool = False  # the move will be refused until it is fixed


# Apps that depend on reviews add their gaps here (ballots: slips, turnout, min_valid, small groups).
# Each is called as hook(review, to_stage, quick=…) and returns a list of Gap.
READINESS_HOOKS: list = []

PROCEED = "继续"  # what the checkbox sends when a step that can be undone is taken despite gaps


def reversible(to_stage: str) -> bool:
    """Whether a round that has entered `to_stage` can still go back (only before 测评)."""
    return STAGE_ORDER.index(Stage(to_stage)) < STAGE_ORDER.index(Stage.APPRAISAL)


def confirmation_phrase(to_stage: str, gaps: list[Gap]) -> str:
    """What the organizer must type (irreversible steps: the stage's name), or PROCEED for a step that
    can be undone with gaps, or "" when one click is enough."""
    if not reversible(to_stage):
        return Stage(to_stage).label
    return PROCEED if gaps else ""


def _names(appraisees) -> str:
    names = [a.cadre.name for a in appraisees]
    shown = "、".join(names[:8])
    return shown + (f"等{len(names)}人" if len(names) > 8 else "")


def report_gaps(review: Review, *, missing: bool = True) -> list[Gap]:
    """Appraisees without a report awaiting nothing (none, or the latest returned), and reports to review."""
    latest = {}
    for a in review.appraisees.select_related("cadre").prefetch_related("reports").order_by("order"):
        versions = sorted(a.reports.all(), key=lambda r: -r.version)
        latest[a] = versions[0] if versions else None
    gaps = []
    absent = [a for a, r in latest.items() if r is None or r.status == ReportStatus.RETURNED]
    if missing and absent:
        gaps.append(
            Gap(
                "reports_missing",
                f"{len(absent)} 位述职人尚未提交述职报告（或退回后未重新提交）：{_names(absent)}",
                reverse("review_reminders", args=[review.pk]),
            )
        )
    pending = [a for a, r in latest.items() if r is not None and r.status == ReportStatus.SUBMITTED]
    if pending:
        gaps.append(
            Gap(
                "reports_unreviewed",
                f"{len(pending)} 份述职报告待审核：{_names(pending)}",
                reverse("review_detail", args=[review.pk]) + "#appraisee-table",
            )
        )
    return gaps


def gaps(review: Review, to_stage: str, *, quick: bool = False) -> list[Gap]:
    """The checklist for moving `review` forward to `to_stage`. `quick` leaves out the checks that
    count the ballots (a whole tally), for pages that only announce the step, such as a home page."""
    found: list[Gap] = []
    if to_stage == Stage.REPORTING and review.report_deadline is None:
        found.append(
            Gap(
                "no_deadline",
                "未设置述职报告截止时间，逾期提交将无法标注",
                reverse("review_edit", args=[review.pk]),
            )
        )
    if to_stage in (Stage.MEETING, Stage.APPRAISAL):
        # Reports can be submitted until the meeting ends; after that a missing one stays missing.
        found += report_gaps(review)
    if to_stage == Stage.PUBLISHED:
        # Reports are decided until 测评 ends: one still waiting now will never be decided.
        found += report_gaps(review, missing=False)
    if to_stage == Stage.ARCHIVED:
        undated = Problem.objects.filter(appraisee__review=review, deadline__isnull=True).count()
        if undated:
            found.append(
                Gap(
                    "problems_undated",
                    f"{undated} 个问题未填写整改时限，归档后无法判断是否逾期",
                    reverse("review_detail", args=[review.pk]) + "#appraisee-table",
                )
            )
    for hook in READINESS_HOOKS:
        found += hook(review, to_stage, quick=quick)
    return found


def fingerprint(found: list[Gap]) -> str:
    """What the organizer saw, sent back with the confirmation: new gaps since then ask again."""
    return ",".join(sorted({g.key for g in found}))


def unseen(found: list[Gap], seen: str) -> list[Gap]:
    keys = set(filter(None, seen.split(",")))
    return [g for g in found if g.key not in keys]
