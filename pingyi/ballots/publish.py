"""The audit record of a review, its tally, and publication (closing voting)."""

import secrets
from collections import Counter

from django.utils import timezone

from pingyi.reviews.actions import ReviewError
from pingyi.reviews.models import Review, Stage

from . import secrecy
from .actions import appraisee_key, form_for
from .count.record import AuditRecord, RecordError
from .count.tally import tally
from .models import MIN_GROUP_BALLOTS, Ballot, EvaluatorGroup, Publication

POOLED_LABEL = "其他评议人"
_shuffle = secrets.SystemRandom().shuffle


def record_groups(review: Review) -> tuple[list[dict], dict[int, str]]:
    """The groups as the record lists them, and the record key of each group's ballots.

    A group merged into another counts as part of it for this round (its weight added, its name
    in the label); the groups pooled are one group 其他评议人 with the sum of their weights.
    """
    groups = list(review.evaluator_groups.all())
    by_pk = {g.pk: g for g in groups}
    kept = [g for g in groups if not g.pooled and g.merge_into_id is None]
    pooled = [g for g in groups if g.pooled]
    pooled_key = _free_key("others", {g.key for g in groups})
    key_of = {g.pk: pooled_key if g.pooled else by_pk[g.merge_into_id or g.pk].key for g in groups}
    listed = []
    for g in kept:
        merged = [m for m in groups if m.merge_into_id == g.pk and not m.pooled]
        label = g.label + (f"（含{'、'.join(m.label for m in merged)}）" if merged else "")
        listed.append(
            {"key": g.key, "label": label, "weight": _number(g.weight + sum(m.weight for m in merged))}
        )
    if pooled:
        label = f"{POOLED_LABEL}（{'、'.join(g.label for g in pooled)}）"
        listed.append({"key": pooled_key, "label": label, "weight": _number(sum(g.weight for g in pooled))})
    return listed, key_of


def _free_key(key: str, taken: set[str]) -> str:
    n = 1
    while (candidate := key if n == 1 else f"{key}{n}") in taken:
        n += 1
    return candidate


def audit_record(review: Review) -> dict:
    """The record as docs/spec/scoring.md shapes it: receipts sorted, ballots in random order apart."""
    form = form_for(review)
    groups, key_of = record_groups(review)
    rows = list(Ballot.objects.filter(review=review).values_list("group_id", "receipt", "ratings"))
    _shuffle(rows)
    return {
        "review": {"number": review.number, "title": review.title},
        "scale": form.scale,
        "criteria": form.criteria,
        "groups": groups,
        "rules": form.rules,
        "appraisees": [
            {"key": appraisee_key(a), "name": a.cadre.name, "unit": a.unit.name, "title": a.title}
            for a in review.appraisees.select_related("cadre", "unit").order_by("order")
        ],
        "receipts": sorted(receipt for _, receipt, _ in rows),
        "ballots": [{"group": key_of[group], "ratings": ratings} for group, _, ratings in rows],
    }


def _number(value):
    return int(value) if value == int(value) else float(value)


def count(review: Review) -> tuple[dict, dict]:
    """(record, result) — the record normalised through the same reader recount uses."""
    record = AuditRecord.from_json(audit_record(review))
    return record.to_json(), tally(record).to_json()


def ballots_by_group(review: Review) -> dict[int, int]:
    """Ballots cast per evaluator group (valid or not: every one is in the record)."""
    return dict(review.evaluator_groups.with_counts().values_list("pk", "cast"))


def small_groups(review: Review, counts: dict[int, int] | None = None) -> list[tuple[str, int]]:
    """(label, ballots) of each group the record would list with 1 to MIN_GROUP_BALLOTS − 1 ballots;
    `counts` is ballots_by_group(review) when the caller has it already."""
    groups, key_of = record_groups(review)
    per_key: Counter = Counter()
    for group_id, n in (ballots_by_group(review) if counts is None else counts).items():
        per_key[key_of[group_id]] += n
    return [(g["label"], per_key[g["key"]]) for g in groups if 0 < per_key[g["key"]] < MIN_GROUP_BALLOTS]


def small_groups_message(small: list[tuple[str, int]]) -> str:
    listed = "、".join(f"{label} {n} 张" for label, n in small)
    return (
        f"以下评议组的选票少于{MIN_GROUP_BALLOTS}张，公布后可被逐张辨认：{listed}。"
        f"请先在「民主测评」页将其并入另一评议组，或并入“{POOLED_LABEL}”，再公布结果"
    )


def on_stage(review: Review, from_stage: str, to_stage: str, user):
    # A round without evaluator groups is appraised outside the system (paper, elsewhere).
    if not EvaluatorGroup.objects.filter(review=review).exists():
        return
    if to_stage == Stage.APPRAISAL:
        try:
            AuditRecord.from_json(audit_record(review))
        except RecordError as exc:
            raise ReviewError(f"测评表有误：{exc}") from None
    if to_stage == Stage.PUBLISHED:
        # The review's row is locked for update (do_move_stage): no ballot can be claimed from here on
        # (submission._claim_sql), so what is checked, sealed and counted is final.
        small = small_groups(review)
        if small:
            raise ReviewError(small_groups_message(small))
        secrecy.seal(review)
        record, result = count(review)
        Publication.objects.update_or_create(
            review=review, defaults={"record": record, "result": result, "published_at": timezone.now()}
        )
