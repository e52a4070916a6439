import datetime as dt

from django import forms

from pingyi.accounts.access import scope_unit, visible_units

from .cohort import COHORTS, Selection


class AnalysisForm(forms.Form):
    as_of = forms.DateField(label="统计截止日", widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.ModelChoiceField(label="范围", queryset=None, required=False)
    cohort = forms.ChoiceField(label="统计对象", choices=list(COHORTS.items()))
    year = forms.IntegerField(label="换届年份", required=False, min_value=1980, max_value=2100)

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
