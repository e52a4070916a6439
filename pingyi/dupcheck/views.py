from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.db.models.functions import Length
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pingyi.accounts.access import organizer_required
from pingyi.lib.downloads import attachment

from . import actions
from .display import CLASS_LABELS, side_by_side, source_window
from .extract import ExtractError, check_size
from .forms import CheckForm, CorpusForm
from .models import CheckResult, Document
from .word import report_docx


def _result_or_404(pk) -> CheckResult:
    result = CheckResult.objects.select_related("document").filter(pk=pk).first()
    if result is None:
        raise Http404("查重结果不存在")
    return result


@organizer_required
def home(request):
    form = CheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.do_check_text(
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                user=request.user,
                request=request,
            )
        except actions.DupcheckError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("dupcheck_result", pk=result.pk)
    counts = dict(
        Document.objects.indexed().values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    version = Document.objects.corpus_version()
    results = list(CheckResult.objects.recent()[:30])
    for r in results:
        r.stale = r.is_stale(version)
    return render(
        request,
        "dupcheck/home.html",
        {
            "form": form,
            "results": results,
            "stale": CheckResult.objects.stale(version).count(),
            "counts": [
                (kind.label, counts.get(kind, 0))
                for kind in (Document.Kind.TEMPLATE, Document.Kind.POLICY, Document.Kind.REPORT)
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
@organizer_required
def refresh(request):
    done, left = actions.do_refresh_in_request(user=request.user, request=request)
    if left:
        messages.info(request, f"已重新检测 {done} 份查重结果，还有 {left} 份，请继续。")
    else:
        messages.success(request, f"已重新检测 {done} 份查重结果，全部结果均已按最新范文库更新。")
    return redirect("dupcheck")


@organizer_required
def result(request, pk):
    found = actions.do_refresh_if_stale(_result_or_404(pk), user=request.user, request=request)
    return render(request, "dupcheck/result.html", {"result": found, "sbs": side_by_side(found)})


@organizer_required
def result_docx(request, pk):
    found = actions.do_refresh_if_stale(_result_or_404(pk), user=request.user, request=request)
    return attachment(report_docx(found), f"{found.document.title}查重检测报告.docx")


@organizer_required
def passage(request, pk, n):
    found = _result_or_404(pk)
    if not 0 <= n < len(found.passages):
        raise Http404("相似片段不存在")
    p = found.passages[n]
    source = (
        Document.objects.filter(pk=p.get("document")).only("id", "title", "kind", "author", "text").first()
    )
    window = source_window(found, n, source.text) if source else None
    return render(
        request,
        "dupcheck/_passage.html",
        {"p": p, "number": n, "label": CLASS_LABELS.get(p["class"], ""), "source": source, "window": window},
    )


@organizer_required
def corpus(request):
    form = CorpusForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        files, too_big = [], []
        for upload in form.cleaned_data["files"]:
            try:
                check_size(upload.size)
            except ExtractError as exc:
                too_big.append((upload.name, str(exc)))
            else:
                files.append((upload.name, upload.read()))
        try:
            if too_big:
                raise actions.CorpusRejected(too_big)
            summary = actions.do_import_corpus(
                files, kind=form.cleaned_data["kind"], author=form.cleaned_data["author"],
                user=request.user, request=request, refresh_seconds=actions.WEB_REFRESH_SECONDS,
            )  # fmt: skip
        except actions.CorpusRejected as exc:
            form.add_error(None, str(exc))
            problems = exc.problems
        except actions.DupcheckError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, summary.sentence())
            for title, kept in summary.collapsed:
                messages.info(
                    request, f"《{title}》与已入库的《{kept.title}》内容相同或几乎相同，未重复入库。"
                )
            return redirect("dupcheck_corpus")
    # The length is counted in the database: the page needs it, not 50 whole texts.
    documents = (
        Document.objects.corpus()
        .indexed()
        .only("id", "title", "kind", "author", "created_at")
        .annotate(chars=Length("norm"))
    )
    page = Paginator(documents.order_by("-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "dupcheck/corpus.html",
        {"form": form, "problems": problems, "page": page},
        status=400 if form.errors else 200,
    )


@require_POST
@organizer_required
def corpus_remove(request, pk):
    doc = Document.objects.corpus().filter(pk=pk).first()
    if doc is None:
        raise Http404("范文库中没有这篇文档")
    if not request.POST.get("confirm"):
        # Never one click, also where the browser's confirmation dialog does not run (no JavaScript).
        messages.error(request, f"请勾选“确认移出”后再移出《{doc.title}》：移出后不可撤销。")
        response = document(request, doc.pk)
        response.status_code = 400
        return response
    try:
        actions.do_remove_from_corpus(doc, user=request.user, request=request)
    except actions.DupcheckError as exc:
        messages.error(request, str(exc))
        return redirect("dupcheck_document", pk=doc.pk)
    done, left = actions.do_refresh_in_request(user=request.user, request=request)
    text = f"《{doc.title}》已移出范文库，不再参与比对；已重新检测 {done} 份查重结果"
    messages.success(request, text + (f"，另有 {left} 份待重新检测。" if left else "。"))
    response = redirect("dupcheck_corpus")
    if request.headers.get("HX-Request"):
        # The form is sent by htmx (for its confirmation dialog): have the browser follow.
        response = HttpResponse(status=204, headers={"HX-Redirect": response.url})
    return response


@organizer_required
def document(request, pk):
    doc = Document.objects.filter(pk=pk).select_related("created_by").first()
    if doc is None:
        raise Http404("文档不存在")
    result = CheckResult.objects.filter(document=doc).first()
    return render(request, "dupcheck/document.html", {"doc": doc, "result": result})
