"""The ballots' part of a round's readiness checklist (reviews.readiness.READINESS_HOOKS)."""

from django.urls import reverse

from pingyi.reviews.models import Review, Stage
from pingyi.reviews.readiness import Gap

from . import publish
from .count.record import AuditRecord, RecordError
from .count.tally import TOO_FEW, tally
from .models import EvaluatorGroup

# 实到人数不少于应到人数的80%: the usual quorum of a 民主测评.
QUORUM = 0.8


def quorum_short(review: Review, groups: list[EvaluatorGroup] | None = None) -> tuple[int, int] | None:
    """(ballots, expected) when fewer than QUORUM of the expected evaluators voted, else None."""
    groups = groups if groups is not None else list(review.evaluator_groups.with_counts())
    expected = sum(g.head_count for g in groups)
    cast = sum(g.cast for g in groups)
    return (cast, expected) if expected and cast < QUORUM * expected else None


def gaps(review: Review, to_stage: str, *, quick: bool = False) -> list[Gap]:
    if to_stage not in (Stage.APPRAISAL, Stage.PUBLISHED):
        return []
    overview = reverse("ballots_overview", args=[review.pk])
    groups = list(review.evaluator_groups.with_counts())
    if not groups:
        if to_stage == Stage.APPRAISAL:
            return [
                Gap(
                    "no_groups",
                    "未设置评议组：本期将不在系统中测评（如改用纸质方式另行计票，可继续）",
                    overview,
                )
            ]
        return []
    found = []
    if to_stage == Stage.APPRAISAL:
        none = [g for g in groups if not g.issued]
        if none:
            names = "、".join(g.label for g in none)
            found.append(
                Gap("groups_without_slips", f"{len(none)} 个评议组尚未生成测评凭证：{names}", overview)
            )
        short = [g for g in groups if 0 < g.issued < g.head_count]
        if short:
            listed = "、".join(f"{g.label} {g.issued}/{g.head_count} 张" for g in short)
            found.append(Gap("slips_short", f"凭证少于应到人数：{listed}", overview))
        return found
    # 结果公布
    short = quorum_short(review, groups)
    if short:
        cast, expected = short
        found.append(
            Gap(
                "quorum",
                f"实到 {cast} 人，不足应到 {expected} 人的 80%（至少 {_at_least(expected)} 人）",
                overview,
            )
        )
    few = "" if quick else _below_min_valid(review)
    if few:
        found.append(Gap("min_valid", few, reverse("ballot_results", args=[review.pk])))
    small = publish.small_groups(review)
    if small:
        found.append(Gap("small_groups", publish.small_groups_message(small), overview, blocking=True))
    return found


def _at_least(expected: int) -> int:
    return -(-expected * 4 // 5)  # ceil(0.8 × expected) in integers


def _below_min_valid(review: Review) -> str:
    """Appraisees who would be flagged 票数不足, as one sentence, or ""."""
    try:
        record = AuditRecord.from_json(publish.audit_record(review))
    except RecordError:
        return ""  # the form was checked at 测评; nothing sensible to count against
    names = {a.key: a.name for a in record.appraisees}
    low = [(names[r.appraisee], r.valid_ballots) for r in tally(record).results if TOO_FEW in r.flags]
    if not low:
        return ""
    listed = "、".join(f"{name} {n} 张" for name, n in low[:8]) + (f"等{len(low)}人" if len(low) > 8 else "")
    return f"有效票少于 {record.rules.min_valid} 张、结果将标注“票数不足”的述职人：{listed}"
