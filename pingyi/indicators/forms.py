from django import forms

from .workbook import parse_number


def field_name(indicator) -> str:
    return f"v_{indicator.key}"


class ValuesForm(forms.Form):
    """One text field per raw indicator: numbers as people type them (12,345 or 85%)."""

    def __init__(self, indicators, current: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for indicator in indicators:
            value = current.get(indicator.pk)
            self.fields[field_name(indicator)] = forms.CharField(
                label=indicator.name,
                required=False,
                initial="" if value is None else f"{value.normalize():f}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "num-input"}),
            )

    def clean(self):
        cleaned = super().clean()
        self.values = {}
        for indicator in self.indicators:
            name = field_name(indicator)
            value, reason = parse_number(cleaned.get(name), indicator)
            if reason:
                self.add_error(name, reason)
            else:
                self.values[indicator] = value
        return cleaned

    def rows(self):
        """(indicator, bound field) in catalogue order, for the template."""
        return [(i, self[field_name(i)]) for i in self.indicators]


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", max_length=200, widget=forms.TextInput(attrs={"size": 40}))
