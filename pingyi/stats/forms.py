import datetime as dt

from django import forms

from pingyi.accounts.access import scope_unit, visible_units

from .cohort import COHORTS, Selection

COMPARE = [("year", "上年同期"), ("transition", "换届前"), ("date", "指定日期"), ("none", "不对比")]


class AnalysisForm(forms.Form):
    as_of = forms.DateField(label="统计截止日", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ModelChoiceField(label="范围", queryset=None, required=False)
    cohort = forms.ChoiceField(label="统计对象", choices=list(COHORTS.items()))
    year = forms.IntegerField(label="换届年份", required=False, min_value=1980, max_value=2100)
    compare = forms.ChoiceField(label="对比", choices=COMPARE, required=False)
    since = forms.DateField(label="对比日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, user):
        data = data.copy() if data else {}
        data.setdefault("as_of", dt.date.today().isoformat())
        data.setdefault("cohort", "chiefs")
        super().__init__(data)
        self.root = scope_unit(user)
        units = visible_units(user)
        self.fields["scope"].queryset = units.counties() | units.filter(pk=getattr(self.root, "pk", None))
        self.fields["scope"].empty_label = "全市" if self.root is None else None
        self.fields["scope"].label_from_instance = lambda u: u.name

    def clean(self):
        data = super().clean()
        since, as_of = data.get("since"), data.get("as_of")
        if data.get("compare") == "date" and since is None:
            self.add_error("since", "选择“指定日期”对比时请填写对比日期")
        elif data.get("compare") == "date" and as_of and since >= as_of:
            self.add_error("since", "对比日期应早于统计截止日")
        return data

    @property
    def comparison(self) -> tuple[str, dt.date | None]:
        """(mode, the date given): 上年同期 when the form is invalid or says nothing."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("compare") or "year", data.get("since")

    def selection(self) -> Selection:
        """The selection asked for, or today's whole scope when the form is invalid."""
        data = self.cleaned_data if self.is_valid() else {}
        return Selection(
            as_of=data.get("as_of") or dt.date.today(),
            scope=data.get("scope") or self.root,
            cohort=data.get("cohort") or "chiefs",
        )

    @property
    def transition_year(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_valid() else None
