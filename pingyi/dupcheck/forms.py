from django import forms

from .extract import ACCEPT, ExtractError, check_length, check_size, extract_text

MAX_FILES = 100


def read_upload(upload) -> str:
    """The text of one uploaded file; ExtractError (a Chinese sentence) when it cannot be used."""
    check_size(upload.size)
    return extract_text(upload.name, upload.read())


class CheckForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    text = forms.CharField(
        label="粘贴文字",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "将要检测的文字粘贴在此处"}),
    )
    # Empty files are let through so the extractor words the refusal like every other one.
    file = forms.FileField(
        label="或上传文件", required=False, allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if upload and text.strip():
            raise forms.ValidationError("请粘贴文字或上传文件，二者选一。")
        try:
            if upload:
                data["text"] = read_upload(upload)
                data["title"] = data.get("title") or upload.name.rsplit(".", 1)[0]
            else:
                data["text"] = check_length(text)
        except ExtractError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class CorpusForm(forms.Form):
    kind = forms.ChoiceField(
        label="类别",
        choices=[("template", "范文（讲话稿、述职报告范本等）"), ("policy", "政策文件（引用不计为抄袭）")],
        initial="template",
    )
    author = forms.CharField(
        label="来源",
        max_length=200,
        required=False,
        help_text="如网站名称。留空时每个文件各算一个来源；同一来源的文件不互相印证“常用语”。",
    )
    files = MultipleFileField(label="文件（.txt、.docx、.html，可多选）")

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("请选择要导入的文件。")
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"一次最多导入 {MAX_FILES} 个文件。")
        return files
