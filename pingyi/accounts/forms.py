from django import forms
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm

from pingyi.org.models import Unit
from pingyi.org.vocab import COUNTY_KINDS, TOWNSHIP_KINDS

from .models import Role


def _unit_choices():
    return (
        Unit.objects.filter(kind__in=[*COUNTY_KINDS, *TOWNSHIP_KINDS])
        .select_related("parent")
        .order_by("path")
    )


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.qualified_name()}（{unit.code}）"


class AccountForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="英文字母、数字和 . _ @ + -，如区划代码"
    )
    full_name = forms.CharField(label="姓名", max_length=40, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    unit = UnitField(
        label="所属单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全市（组织部管理员、市领导）",
        help_text="县区联络员选县（市、区），乡镇填报员选乡镇（街道）",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _unit_choices()


class BulkForm(forms.Form):
    pattern = forms.CharField(
        label="用户名规则",
        max_length=60,
        initial="{code}",
        help_text="{code}：12位区划代码；{short}：去掉末尾零的区划代码；{kind}：乡镇为 xz、县区为 qx。"
        "例如 {kind}{short} 得到 xz379901101",
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="账号工作簿（.xlsx）")


class PasswordChangeForm(DjangoPasswordChangeForm):
    """Django's form (the old password checked, the validators applied), labelled in Chinese."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields[
            "new_password1"
        ].help_text = "至少10个字符，同时包含字母和数字，不能与用户名相似或过于常见"
        self.fields["new_password2"].label = "再次输入新密码"
        self.error_messages = {
            **self.error_messages,
            "password_incorrect": "当前密码不正确，请重新输入。",
            "password_mismatch": "两次输入的新密码不一致。",
        }
