"""Bulk work on a round: speakers chosen by a filter, reports approved together, one deadline for many
problems, and the round's problem list (printable)."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pingyi.accounts.access import can_edit, organizer_required, scoped, visible_cadres, visible_units
from pingyi.lib.errors import RoleCannot
from pingyi.org.models import Post

from . import actions
from .access import get_review_or_404
from .models import Appraisee, Problem
from .queries import awaiting_review
from .refusal import refuse
from .views import review_detail

KINDS = {"secretary": "党（工）委书记", "head": "乡镇长、街道办事处主任"}


class SpeakerFilter(forms.Form):
    county = forms.ModelChoiceField(label="县（市、区）", queryset=None, required=False, empty_label="全部")
    kind = forms.ChoiceField(label="职务", choices=[("", "全部党政正职"), *KINDS.items()], required=False)
    born = forms.ChoiceField(
        label="出生年代",
        required=False,
        choices=[("", "不限"), *((str(d), f"{d % 100}后") for d in range(1960, 2000, 10))],
    )
    since = forms.IntegerField(label="任现职年份", required=False, min_value=1949, max_value=2100)
    new_only = forms.BooleanField(label="仅往期未述职的", required=False)
    q = forms.CharField(label="搜索", required=False, max_length=40)

    def __init__(self, data, user):
        super().__init__(data)
        self.fields["county"].queryset = visible_units(user).counties().order_by("path")
        self.fields["q"].widget.attrs["placeholder"] = "姓名或单位"


def candidates(review, user, form: SpeakerFilter):
    """Current township chiefs in the user's scope, not yet speakers of `review`, narrowed by the filter."""
    today = dt.date.today()
    chief = Post.objects.valid_on(today).filter(is_chief=True, cadre=OuterRef("pk"))
    cadres = (
        visible_cadres(user)
        .chiefs(today)
        .exclude(pk__in=review.appraisees.values("cadre_id"))
        .select_related("unit", "unit__parent")
    )
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("county"):
        cadres = cadres.filter(unit__path__startswith=data["county"].path)
    if data.get("kind") == "secretary":
        cadres = cadres.filter(Exists(chief.filter(title__contains="书记")))
    elif data.get("kind") == "head":
        cadres = cadres.filter(Exists(chief.exclude(title__contains="书记")))
    if data.get("born"):
        decade = int(data["born"])
        cadres = cadres.filter(birth__year__gte=decade, birth__year__lt=decade + 10)
    if data.get("since"):
        cadres = cadres.filter(Exists(chief.filter(start__year=data["since"])))
    if data.get("new_only"):
        cadres = cadres.exclude(Exists(Appraisee.objects.filter(cadre=OuterRef("pk"))))
    if data.get("q"):
        q = data["q"].strip()
        cadres = cadres.filter(Q(name__contains=q) | Q(unit__name__contains=q))
    return cadres.order_by("unit__path", "id")


@organizer_required
def add_speakers(request, pk):
    """GET: filter and search the candidates; POST: add the ones ticked."""
    review = get_review_or_404(request, pk)
    form = SpeakerFilter(request.GET or None, request.user)
    found = candidates(review, request.user, form)
    status = 200
    if request.method == "POST":
        chosen = found.filter(pk__in=[v for v in request.POST.getlist("cadre") if v.isdigit()])
        try:
            added = actions.do_add_appraisees(review, chosen, user=request.user)
        except actions.ReviewError as exc:
            messages.error(request, str(exc))
            status = 409 if review.at_least("meeting") else 400
        else:
            messages.success(request, f"已添加述职人 {len(added)} 位")
            return redirect("review_detail", pk=review.pk)
    return render(
        request,
        "reviews/add_speakers.html",
        {
            "review": review,
            "form": form,
            "found": list(found[:500]),
            "total": found.count(),
            "open": review.allows("change_appraisees"),
            "ticked": set(request.POST.getlist("cadre")),
        },
        status=status,
    )


@require_POST
@organizer_required
def accept_reports(request, pk):
    review = get_review_or_404(request, pk)
    ids = [v for v in request.POST.getlist("report") if v.isdigit()]
    reports = awaiting_review().filter(appraisee__review=review, pk__in=ids).select_related("appraisee")
    try:
        if len(ids) != reports.count():
            raise actions.ReviewError("所选报告中有已审核或非最新的版本，请刷新页面后重新选择")
        count = actions.do_accept_reports(reports, user=request.user)
    except actions.ReviewError as exc:
        return refuse(request, exc, review_detail, review.pk)
    messages.success(request, f"已通过述职报告 {count} 份")
    return redirect("review_detail", pk=review.pk)


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label="整改时限", widget=forms.DateInput(attrs={"type": "date"}))


def problems(request, pk):
    """The round's problem list in the user's scope; organizers set one deadline for those ticked."""
    review = get_review_or_404(request, pk)
    listed = scoped(
        request.user,
        Problem.objects.filter(appraisee__review=review).select_related(
            "appraisee__cadre", "appraisee__unit", "appraisee__unit__parent"
        ),
        "appraisee__unit__path",
    ).order_by("appraisee__order", "id")
    form = DeadlineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_organizer:
            raise RoleCannot("只有组织部管理员可以批量设置整改时限")
        chosen = listed.filter(pk__in=[v for v in request.POST.getlist("problem") if v.isdigit()])
        if form.is_valid():
            try:
                count = actions.do_set_deadlines(chosen, form.cleaned_data["deadline"], user=request.user)
            except actions.ReviewError as exc:
                messages.error(request, str(exc))
                status = 409
            else:
                messages.success(
                    request,
                    f"已将 {count} 个问题的整改时限设为 {form.cleaned_data['deadline']:%Y年%-m月%-d日}",
                )
                return redirect("round_problems", pk=review.pk)
        else:
            status = 400
    return render(
        request,
        "reviews/round_problems.html",
        {
            "review": review,
            "problems": listed,
            "form": form,
            "today": dt.date.today(),
            "bulk": request.user.is_organizer,
            "editable": can_edit(request.user),
            "ticked": set(request.POST.getlist("problem")),
        },
        status=status,
    )
