from django import forms

from pingyi.lib import limits
from pingyi.org.models import Cadre

from .models import Area, Problem, ProblemSource, ProblemStatus, Review


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "number",
            "title",
            "meeting_date",
            "venue",
            "speaking_minutes",
            "report_deadline",
            "requirements",
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "report_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "requirements": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = "留空则自动取下一期"
        self.fields["speaking_minutes"].min_value = 1


class AppraiseeForm(forms.Form):
    cadre = forms.ModelChoiceField(
        label="述职人",
        queryset=Cadre.objects.none(),
        widget=forms.Select(attrs={"aria-label": "选择要添加的述职人"}),
    )

    def __init__(self, data, candidates):
        super().__init__(data)
        self.fields["cadre"].queryset = candidates
        self.fields["cadre"].label_from_instance = lambda c: f"{c.unit.name} {c.name}"


class ReportForm(forms.Form):
    # Empty files reach the extractor, which explains them the same way as other bad files.
    file = forms.FileField(label="上传文件（.docx、.pdf 或 .txt）", required=False, allow_empty_file=True)
    text = forms.CharField(label="或直接粘贴正文", required=False, widget=forms.Textarea(attrs={"rows": 10}))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传述职报告文件或粘贴正文")
        if len(data.get("text") or "") > limits.MAX_TEXT_CHARS:
            # The same limit as a file's text, whichever door the text comes through.
            self.add_error(
                "text",
                f"正文过长（约 {len(data['text']) / 10000:.1f} 万字），上限为 {limits.MAX_TEXT_CHARS // 10000} 万字",
            )
        return data


class RemarkForm(forms.Form):
    speaker = forms.CharField(label="点评人", max_length=60)
    text = forms.CharField(label="点评内容", widget=forms.Textarea(attrs={"rows": 4}))


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["area", "source", "description", "measure", "owner", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "measure": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = Area.choices
        self.fields["source"].choices = ProblemSource.choices


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["measure", "owner", "deadline"]
        widgets = {
            "measure": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, deadline_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if deadline_locked:
            # Shown and sent back as it is: the deadline is the organizer's (actions.do_update_problem).
            self.fields["deadline"].widget.attrs["readonly"] = True
            self.fields["deadline"].help_text = "整改时限由组织部确定；如需延期，请在下方提交延期申请"


class ExtensionForm(forms.Form):
    deadline = forms.DateField(
        label="申请延至", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label="延期理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(forms.Form):
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label="整改状态", choices=ProblemStatus.choices)
