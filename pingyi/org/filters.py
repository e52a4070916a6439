"""The cadre list's filters, shared by the page, its Excel export and the API."""

import datetime as dt

from django import forms

from pingyi.lib.a11y import name_all
from pingyi.lib.yearmonth import birth_bounds

from .vocab import Education

AGE_BANDS = {
    "le35": ("35岁及以下", None, 35),
    "36-40": ("36–40岁", 36, 40),
    "41-45": ("41–45岁", 41, 45),
    "46-50": ("46–50岁", 46, 50),
    "51-55": ("51–55岁", 51, 55),
    "ge56": ("56岁及以上", 56, None),
}


class CadreFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": "姓名、单位或职务", "type": "search"}),
    )
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False, empty_label="全部单位")
    title = forms.CharField(
        label="职务", required=False, max_length=30, widget=forms.TextInput(attrs={"placeholder": "职务"})
    )
    chiefs = forms.BooleanField(label="仅党政正职", required=False)
    age = forms.ChoiceField(
        label="年龄段",
        required=False,
        choices=[("", "全部年龄")] + [(k, v[0]) for k, v in AGE_BANDS.items()],
    )
    education = forms.TypedChoiceField(
        label="最高学历",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全部学历")] + [(c.value, c.label) for c in reversed(Education)],
    )

    def __init__(self, data, units):
        super().__init__(data)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: "　" * max(u.depth, 0) + u.name
        name_all(self)  # the filter bar shows no labels

    def apply(self, cadres, today: dt.date | None = None):
        """Filters a queryset; invalid values are ignored (the form shows why)."""
        today = today or dt.date.today()
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("unit"):
            cadres = cadres.within(data["unit"])
        if data.get("title"):
            cadres = cadres.filter(posts__end__isnull=True, posts__title__contains=data["title"])
        if data.get("chiefs"):
            cadres = cadres.chiefs(today)
        if data.get("age"):
            _label, low, high = AGE_BANDS[data["age"]]
            cadres = cadres.born_between(*birth_bounds(today, low, high))
        if data.get("education"):
            cadres = cadres.with_highest_education().filter(highest_education=data["education"])
        return cadres.search(data.get("q") or "").distinct()
