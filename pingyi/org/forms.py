from django import forms

from pingyi.lib import yearmonth

from . import idcard
from .models import Cadre, Unit
from .vocab import ETHNIC_GROUPS, POLITICAL_STATUSES


class YearMonthField(forms.Field):
    widget = forms.TextInput(attrs={"maxlength": 10, "placeholder": "YYYY.MM"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "格式 YYYY.MM")
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return yearmonth.fmt(value) if hasattr(value, "year") else value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        try:
            return yearmonth.parse(value)
        except yearmonth.YearMonthError as exc:
            raise forms.ValidationError(str(exc)) from None


class CadreForm(forms.ModelForm):
    birth = YearMonthField(label="出生年月")
    party_joined = YearMonthField(label="入党时间", required=False)
    work_started = YearMonthField(label="参加工作时间", required=False)
    ethnicity = forms.ChoiceField(label="民族", choices=[(e, e) for e in ETHNIC_GROUPS])
    political_status = forms.ChoiceField(
        label="政治面貌", required=False, choices=[("", "—")] + [(p, p) for p in POLITICAL_STATUSES]
    )

    class Meta:
        model = Cadre
        fields = [
            "name", "gender", "ethnicity", "birth", "native_place", "political_status",
            "party_joined", "work_started", "education_fulltime", "degree_fulltime",
            "school_fulltime", "education_inservice", "degree_inservice", "school_inservice",
            "id_number", "resume",
        ]  # fmt: skip
        widgets = {"resume": forms.Textarea(attrs={"rows": 12, "class": "mono"})}

    def clean_id_number(self):
        number = (self.cleaned_data.get("id_number") or "").strip().upper() or None
        if number:
            reason = idcard.problem(number, self.cleaned_data.get("birth"))
            if reason:
                raise forms.ValidationError(f"身份证号{reason}")
            clash = Cadre.objects.filter(id_number=number).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError("该身份证号已属于另一名干部")
        return number

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in self.fields}


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "population"]
