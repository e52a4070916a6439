"""The audit record of a review, its tally, and publication."""

from django.utils import timezone

from pingyi.reviews.actions import ReviewError
from pingyi.reviews.models import Review, Stage

from .actions import appraisee_key, form_for
from .models import Ballot, Publication
from .record import AuditRecord, RecordError
from .tally import tally


def audit_record(review: Review) -> dict:
    """The record exactly as spec/scoring.md shapes it, from the database."""
    form = form_for(review)
    return {
        "review": {"number": review.number, "title": review.title},
        "scale": form.scale,
        "criteria": form.criteria,
        "groups": [
            {"key": g.key, "label": g.label, "weight": _number(g.weight)}
            for g in review.evaluator_groups.all()
        ],
        "rules": form.rules,
        "appraisees": [
            {"key": appraisee_key(a), "name": a.cadre.name, "unit": a.unit.name, "title": a.title}
            for a in review.appraisees.select_related("cadre", "unit").order_by("order")
        ],
        "ballots": [
            {"group": group_key, "receipt": receipt, "ratings": ratings}
            for group_key, receipt, ratings in Ballot.objects.filter(review=review)
            .order_by("receipt")
            .values_list("group__key", "receipt", "ratings")
        ],
    }


def _number(value):
    return int(value) if value == int(value) else float(value)


def count(review: Review) -> tuple[dict, dict]:
    """(record, result) — the record normalised through the same reader recount uses."""
    record = AuditRecord.from_json(audit_record(review))
    return record.to_json(), tally(record).to_json()


def on_stage(review: Review, from_stage: str, to_stage: str, user):
    # A round without evaluator groups is appraised outside the system (paper, elsewhere).
    if to_stage == Stage.APPRAISAL and review.evaluator_groups.exists():
        try:
            AuditRecord.from_json(audit_record(review))
        except RecordError as exc:
            raise ReviewError(f"测评表有误：{exc}") from None
    if to_stage == Stage.PUBLISHED and review.evaluator_groups.exists():
        record, result = count(review)
        Publication.objects.update_or_create(
            review=review, defaults={"record": record, "result": result, "published_at": timezone.now()}
        )
