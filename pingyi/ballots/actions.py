"""Every change to forms, groups, tokens and ballots goes through here.

Submitting a ballot marks its token used and stores the ballot in one
transaction; the token row is claimed with a conditional UPDATE, so of two
concurrent submissions with the same code exactly one is counted.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max

from pingyi.audit.actions import record
from pingyi.audit.models import register_actions
from pingyi.reviews.models import Appraisee, Review, Stage

from . import codes, submission
from .models import Ballot, BallotForm, BallotToken, EvaluatorGroup, Source, TokenStatus

register_actions(
    {
        "ballot_form": "修改测评表",
        "ballot_groups": "修改评议组",
        "tokens_issue": "生成测评凭证",
        "tokens_void": "作废测评凭证",
        "paper_ballot": "录入纸质选票",
        "group_combine": "合并票数不足的评议组",
    }
)
MAX_TOKENS_PER_BATCH = 2000


class BallotError(Exception):
    """str(e) is a Chinese sentence for the user."""


def _require(condition: bool, message: str):
    if not condition:
        raise BallotError(message)


def _organizer(user):
    _require(user is not None and user.is_organizer, "只有组织部管理员可以进行此操作")


def appraisee_key(appraisee: Appraisee) -> str:
    """Keys follow the speaking order, which is frozen before ballots open."""
    return f"a{appraisee.order:02d}"


def form_for(review: Review) -> BallotForm:
    form, _ = BallotForm.objects.get_or_create(review=review)
    return form


def do_save_form(review: Review, user, *, scale: list, criteria: list, rules: dict) -> BallotForm:
    _organizer(user)
    with transaction.atomic():
        form = BallotForm.objects.select_for_update().get(pk=form_for(review).pk)
        _require(not form.frozen, "已生成测评凭证，测评表已冻结，不能修改")
        form.scale, form.criteria, form.rules = scale, criteria, rules
        form.save()
        record("ballot_form", user=user, target=review.label)
    return form


def do_save_groups(review: Review, user, groups: list[dict]) -> list[EvaluatorGroup]:
    """Replace the groups (key, label, weight, head_count) while no token exists."""
    _organizer(user)
    with transaction.atomic():
        form = BallotForm.objects.select_for_update().get(pk=form_for(review).pk)
        _require(not form.frozen, "已生成测评凭证，评议组已冻结，不能修改")
        _require(bool(groups), "至少需要一个评议组")
        review.evaluator_groups.all().delete()
        saved = [EvaluatorGroup.objects.create(review=review, order=i, **g) for i, g in enumerate(groups)]
        record("ballot_groups", user=user, target=review.label, summary="、".join(g.label for g in saved))
    return saved


def do_copy_setup(review: Review, source: Review, *, user) -> list[EvaluatorGroup]:
    """This round's 测评表 (scale, criteria and weights, rules) and evaluator groups (with weights and
    head counts) copied from an earlier round, while nothing is frozen here."""
    _organizer(user)
    _require(source.pk != review.pk, "请选择另一期")
    original = form_for(source)
    groups = [
        {"key": g.key, "label": g.label, "weight": g.weight, "head_count": g.head_count}
        for g in source.evaluator_groups.all()
    ]
    _require(bool(groups), f"{source.label}没有评议组可复制")
    with transaction.atomic():
        form = BallotForm.objects.select_for_update().get(pk=form_for(review).pk)
        _require(not form.frozen, "已生成测评凭证，测评表和评议组已冻结，不能再复制")
        form.scale, form.criteria, form.rules = original.scale, original.criteria, original.rules
        form.save()
        review.evaluator_groups.all().delete()
        saved = [EvaluatorGroup.objects.create(review=review, order=i, **g) for i, g in enumerate(groups)]
        record("ballot_form", user=user, target=review.label,
               summary=f"从{source.label}复制测评表和评议组：{'、'.join(g.label for g in saved)}")  # fmt: skip
    return saved


def do_issue_tokens(group: EvaluatorGroup, user, count: int) -> list[str]:
    """New one-time codes for a group. Returns the plain codes: print them, never store them."""
    _organizer(user)
    _require(1 <= count <= MAX_TOKENS_PER_BATCH, f"每次可生成 1–{MAX_TOKENS_PER_BATCH} 张凭证")
    review = group.review
    _require(review.allows("issue_slips"), "结果已公布，不能再生成凭证")
    plain = [codes.new_code() for _ in range(count)]
    with transaction.atomic():
        form = BallotForm.objects.select_for_update().get(pk=form_for(review).pk)
        form.frozen = True
        form.save(update_fields=["frozen"])
        last = group.tokens.aggregate(batch=Max("batch"), serial=Max("serial"))
        batch = (last["batch"] or 0) + 1
        start = last["serial"] or 0
        BallotToken.objects.bulk_create(
            BallotToken(group=group, code_hash=codes.code_hash(code), batch=batch, serial=start + i)
            for i, code in enumerate(plain, start=1)
        )
        record(
            "tokens_issue",
            user=user,
            target=f"{review.label} {group.label}",
            summary=f"第{batch}批 {count} 张",
        )
    return plain


def do_void_tokens(group: EvaluatorGroup, user, *, batch: int | None = None) -> int:
    """Void the unused tokens of a group (or of one batch), e.g. when slips were lost."""
    _organizer(user)
    _require(group.review.allows("void_slips"), "结果已公布，凭证已全部失效，无需作废")
    with transaction.atomic():
        tokens = group.tokens.filter(status=TokenStatus.ISSUED)
        if batch is not None:
            tokens = tokens.filter(batch=batch)
        count = tokens.update(status=TokenStatus.VOID)
        record("tokens_void", user=user, target=f"{group.review.label} {group.label}",
               summary=f"{'第' + str(batch) + '批' if batch else '全部'}未使用凭证 {count} 张")  # fmt: skip
    return count


def do_combine_group(
    group: EvaluatorGroup, *, user, into: EvaluatorGroup | None = None, pooled: bool = False
):
    """For this round, count a small group's ballots with another group's, or with the other small
    groups as 其他评议人; neither (into None, pooled False) undoes it. Only while voting runs."""
    _organizer(user)
    _require(not (into and pooled), "只能选择一种合并方式")
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=group.review_id)
        _require(review.stage == Stage.APPRAISAL, "只能在测评阶段、公布结果之前合并评议组")
        group = EvaluatorGroup.objects.select_for_update().get(pk=group.pk)
        if into is not None:
            into = EvaluatorGroup.objects.get(pk=into.pk)
            _require(into.review_id == review.pk and into.pk != group.pk, "请选择本期的另一个评议组")
            _require(
                not into.pooled and into.merge_into_id is None, f"「{into.label}」本身已合并，不能再并入"
            )
        if into is not None or pooled:
            _require(not group.merged.exists(), f"已有评议组并入「{group.label}」，请先撤销")
        group.merge_into, group.pooled = into, pooled
        group.save(update_fields=["merge_into", "pooled"])
        how = f"并入{into.label}" if into else "并入“其他评议人”" if pooled else "撤销合并"
        record("group_combine", user=user, target=f"{review.label} {group.label}", summary=how)
    return group


@dataclass
class Submission:
    receipt: str
    already: bool  # a retry of a ballot already recorded


@dataclass(frozen=True)
class BallotSpec:
    """What a ballot of a review must look like; fixed once voting can start."""

    form: BallotForm
    keys: tuple[str, ...]
    rules: object  # scoring.BallotRules, built once


_SPECS: dict[tuple, BallotSpec] = {}


def ballot_spec(review: Review) -> BallotSpec:
    """The form and speaking order, with the rules built once per process once voting has begun.

    From 测评 on, nothing can change them: the form froze when the first token was issued,
    the speaking order at the meeting, and a round cannot go back from 测评. The key
    includes the creation time, so a reused id (a test database) never hits a stale entry.
    """
    return _cached_spec((review.pk, review.created_at), lambda: review)


def _cached_spec(key: tuple, load_review) -> BallotSpec:
    spec = _SPECS.get(key)
    if spec is not None:
        return spec
    from .count.record import read_criteria, read_rules, read_scale
    from .count.scoring import BallotRules

    review = load_review()
    form = form_for(review)
    keys = tuple(
        f"a{position:02d}" for position in review.appraisees.order_by("order").values_list("order", flat=True)
    )
    rules = BallotRules(read_scale(form.scale), read_criteria(form.criteria), read_rules(form.rules), keys)
    spec = BallotSpec(form, keys, rules)
    if form.frozen and review.at_least(Stage.APPRAISAL):
        _SPECS[key] = spec
    return spec


def check_ratings(review: Review, ratings: dict, spec: BallotSpec | None = None) -> str | None:
    """The reason a phone ballot is refused, or None. Every appraisee × criterion must be answered."""
    spec = spec or ballot_spec(review)
    return _check(spec.form, spec.keys, ratings, spec.rules)


def check_ratings_for(form: BallotForm, keys: list[str], ratings: dict) -> str | None:
    return _check(form, tuple(keys), ratings, None)


def _check(form: BallotForm, keys: tuple[str, ...], ratings: dict, rules) -> str | None:
    levels = {level["label"] for level in form.scale}
    for key in keys:
        for criterion in form.criteria:
            level = ratings.get(key, {}).get(criterion["key"])
            if level is None:
                return "还有未评价的项目，请逐项选择（不了解的请选“不了解”）"
            if level not in levels:
                return f"档次「{level}」无效"
    if set(ratings) - set(keys):
        return "选票中有不属于本期的述职人"
    if rules is not None:
        from .count.record import check_ratings as checked_ratings

        checked = checked_ratings(ratings, "ratings", keys, [c["key"] for c in form.criteria], list(levels))
        reason = rules.judge(checked)[0]
    else:
        from .count.scoring import validate_ballot

        reason = validate_ballot(form.scale, form.criteria, form.rules, list(keys), ratings)
    return REFUSALS.get(reason, reason)


# What an evaluator is told when the phone refuses a ballot the tally would count as invalid.
REFUSALS = {
    "空白票": "全部为“不了解”的选票是空白票，不计分，请至少评价一位述职人",
    "同一档次": "不能对所有人都评同一档次，请按实际情况评价",
    "超过优秀名额": "综合得分达到优秀分数线的人数超过了名额，请调整后再提交",
}


def _digest(code: str) -> str:
    try:
        return codes.code_hash(code)
    except codes.CodeError as exc:
        raise BallotError(str(exc)) from None


WRONG_CODE = "凭证码不正确，请核对后重新输入"


def token_for(code: str) -> BallotToken:
    # get(), not first(): the hash is unique, and first() would sort by the model ordering.
    try:
        return BallotToken.objects.select_related("group__review").get(code_hash=_digest(code))
    except BallotToken.DoesNotExist:
        raise BallotError(WRONG_CODE) from None


def _require_open(stage: str, token_status: str):
    _require(stage == Stage.APPRAISAL, "本期测评未开始或已结束，不能投票")
    _require(token_status != TokenStatus.VOID, "该凭证已作废，请向工作人员领取新的凭证")


def open_for_voting(token: BallotToken):
    _require_open(token.group.review.stage, token.status)


@dataclass(frozen=True)
class Target:
    """What a submitted code votes in: its token and the ballot its review asks for."""

    token: submission.TokenRow
    spec: BallotSpec


def submission_target(code: str) -> Target:
    token = submission.find_token(_digest(code))
    _require(token is not None, WRONG_CODE)
    key = ("sql", token.review_id, token.review_created)
    return Target(token, _cached_spec(key, lambda: Review.objects.get(pk=token.review_id)))


def do_submit_ballot(
    code: str,
    ratings: dict,
    receipt: str,
    signature: str,
    source: str = Source.PHONE,
    target: Target | None = None,
) -> Submission:
    """Count a ballot once per code. The phone passes the target it looked up to read the form."""
    target = target or submission_target(code)
    token, spec = target.token, target.spec
    _require_open(token.review_stage, token.status)
    _require(codes.receipt_signature(code, receipt) == signature, "提交内容不完整，请重新打开选票")
    reason = _check(spec.form, spec.keys, ratings, spec.rules)
    _require(reason is None, reason or "")
    try:
        counted = submission.cast(token, receipt=receipt, ratings=ratings, source=source)
    except IntegrityError:
        # The receipt was taken (a forged or replayed form): the token claim is rolled back too.
        raise BallotError("回执码冲突，请重新打开选票提交") from None
    if not counted:
        # A retry of the ballot already recorded is answered as recorded; anything else is refused.
        previous = Ballot.objects.filter(receipt=receipt, review_id=token.review_id).first()
        if previous is not None and previous.ratings == ratings:
            return Submission(receipt, already=True)
        _require(Review.objects.filter(pk=token.review_id, stage=Stage.APPRAISAL).exists(),
                 "本期测评未开始或已结束，不能投票")  # fmt: skip
        raise BallotError("该凭证已经投过票，每张凭证只能投一次")
    return Submission(receipt, already=False)


def turnout(review: Review) -> list[dict]:
    """Per group: ballots received against the expected head count, with tokens issued (not voided)
    beside it; `short` when fewer than 80% of the expected have voted (实到不少于应到的80%)."""
    return [
        {"group": g.label, "issued": g.issued, "submitted": g.cast, "head_count": g.head_count,
         "short": g.cast * 5 < g.head_count * 4}
        for g in review.evaluator_groups.with_counts()
    ]  # fmt: skip


def turnout_total(rows: list[dict]) -> dict:
    return {key: sum(r[key] for r in rows) for key in ("head_count", "submitted", "issued")}


def _paper_ratings(form: BallotForm, keys: list[str], ratings: dict) -> dict:
    """A paper ballot as typed: unknown keys or levels are typing errors; blanks stay blank."""
    levels = {level["label"] for level in form.scale}
    criteria = {c["key"] for c in form.criteria}
    clean = {}
    for key, row in ratings.items():
        _require(key in keys, "选票中有不属于本期的述职人")
        for criterion, level in row.items():
            _require(criterion in criteria and level in levels, f"档次「{level}」无效")
        if row:
            clean[key] = dict(row)
    return clean


def do_enter_paper(review: Review, user, *, group: EvaluatorGroup, number: str, ratings: dict):
    """First or second typing of one paper ballot. Returns the entry; counts it when both agree.

    Paper ballots are counted as they were filled in: the tally judges them (a blank or
    uniform paper ballot is counted as invalid), exactly as it would any other ballot.
    """
    _organizer(user)
    number = number.strip()
    _require(bool(number), "请填写纸质选票编号")
    _require(group.review_id == review.pk, "评议组不属于本期")
    from .models import PaperEntry, PaperStatus

    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        _require(review.stage == Stage.APPRAISAL, "测评阶段才能录入纸质选票")
        keys = [appraisee_key(a) for a in review.appraisees.order_by("order")]
        ratings = _paper_ratings(form_for(review), keys, ratings)
        entry = PaperEntry.objects.select_for_update().filter(review=review, number=number).first()
        if entry is None:
            entry = PaperEntry.objects.create(
                review=review, group=group, number=number, first=ratings, first_by=user
            )
            record("paper_ballot", user=user, target=review.label, summary=f"第一次录入 {number}")
            return entry
        _require(entry.status == PaperStatus.FIRST, f"编号 {number} 的纸质选票已录入两次")
        _require(entry.first_by_id != user.pk, "第二次录入须由另一位工作人员完成")
        _require(
            entry.group_id == group.pk, f"编号 {number} 第一次录入的评议组是「{entry.group.label}」，请核对"
        )
        entry.second, entry.second_by = ratings, user
        entry.status = PaperStatus.MISMATCH if entry.differences() else PaperStatus.COUNTED
        entry.save()
        if entry.status == PaperStatus.COUNTED:
            _count_paper(review, entry.group, ratings)
        record(
            "paper_ballot",
            user=user,
            target=review.label,
            summary=f"第二次录入 {number}：{entry.get_status_display()}",
        )
    return entry


def do_resolve_paper(entry, user, ratings: dict):
    """After checking the paper sheet, an organizer other than the two typists settles a mismatch."""
    _organizer(user)
    from .models import PaperEntry, PaperStatus

    with transaction.atomic():
        entry = PaperEntry.objects.select_for_update().select_related("review", "group").get(pk=entry.pk)
        review = entry.review
        _require(review.stage == Stage.APPRAISAL, "测评阶段才能录入纸质选票")
        _require(entry.status == PaperStatus.MISMATCH, "该纸质选票没有待核对的差异")
        _require(
            user.pk not in (entry.first_by_id, entry.second_by_id), "核对须由两位录入人以外的工作人员完成"
        )
        keys = [appraisee_key(a) for a in review.appraisees.order_by("order")]
        ratings = _paper_ratings(form_for(review), keys, ratings)
        entry.status = PaperStatus.COUNTED
        entry.save(update_fields=["status"])
        _count_paper(review, entry.group, ratings)
        record("paper_ballot", user=user, target=review.label, summary=f"核对后计入 {entry.number}")
    return entry


def _count_paper(review: Review, group: EvaluatorGroup, ratings: dict):
    for _ in range(5):  # a receipt clash is astronomically rare; try again rather than fail
        try:
            with transaction.atomic():
                return Ballot.objects.create(review=review, group=group, receipt=codes.new_receipt(),
                                             ratings=ratings, source=Source.PAPER)  # fmt: skip
        except IntegrityError:
            continue
    raise BallotError("回执码冲突，请重试")
