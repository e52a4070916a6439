"""查重 over the JSON API: the object of spec/dupcheck.md, for a new text or a stored result.

Organizers only, as the pages. A checked text is kept as an ad hoc check (临时检测), as one pasted
on the 查重 page is: viewable later, never matched against.
"""

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from pingyi.accounts.access import require_organizer
from pingyi.lib.apitypes import Id

from . import actions
from .extract import MAX_CHARS, ExtractError, check_length
from .models import CheckResult

router = Router(tags=["报告查重"])

PASSAGE_FIELDS = ("start", "end", "class", "source", "source_start", "source_end")


VISIBLE = (
    r"[^\s\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


class CheckIn(Schema):
    title: str = Field("", max_length=200)
    # The schema says what the check refuses, so a client never meets a 400 the schema allowed.
    # At least one character the check can read (not whitespace, not a control or format character).
    text: str = Field(min_length=1, max_length=MAX_CHARS, pattern=VISIBLE)


def contract(result: CheckResult) -> dict:
    """The stored result as the command-line contract's object, with where to see it."""
    m = result.metrics
    single = m.get("max_single_source") or {}
    return {
        "id": result.pk,
        "title": result.document.title,
        "checked_at": result.checked_at.isoformat(),
        "url": reverse("dupcheck_result", args=[result.pk]),
        "chars": m["chars"],
        "total_copy_ratio": m["total_copy_ratio"],
        "excluding_quotes_ratio": m["excluding_quotes_ratio"],
        "max_single_source": {"source": single.get("source"), "ratio": single.get("ratio", 0.0)},
        "longest_run": m["longest_run"],
        "boilerplate_chars": m["boilerplate_chars"],
        # Results stored before reworded copies were found had none.
        "reworded_chars": m.get("reworded_chars", 0),
        "passages": [
            {**{k: p[k] for k in PASSAGE_FIELDS}, "reworded": p.get("reworded", False)}
            for p in result.passages
        ],
    }


@router.post(
    "/dupcheck/checks",
    summary="检测一段文字",
    description="与全部已入库文档（范文、政策文件、述职报告）比对，返回 spec/dupcheck.md 的检测结果对象，"
    "另附 id、url。文字作为临时检测保存，不作为今后比对的来源。",
)
def check_text(request: HttpRequest, payload: CheckIn):
    require_organizer(request.user)
    try:
        check_length(payload.text)
        # Checked as sent, not tidied as a paste is: the offsets are into the caller's own text.
        result = actions.do_check_text(
            title=payload.title, text=payload.text, user=request.user, request=request
        )
    except (ExtractError, actions.DupcheckError) as exc:
        raise HttpError(400, str(exc)) from None
    return contract(result)


@router.get(
    "/dupcheck/results/{result_id}",
    summary="查重结果",
    description="一份已保存的查重结果；范文库在检测之后有变化的，先按最新范文库重新检测。",
)
def get_result(request: HttpRequest, result_id: Id):
    require_organizer(request.user)
    result = CheckResult.objects.select_related("document").filter(pk=result_id).first()
    if result is None:
        raise HttpError(404, "查重结果不存在")
    return contract(actions.do_refresh_if_stale(result, user=request.user, request=request))
