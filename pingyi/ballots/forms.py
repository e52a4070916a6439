"""Plain-form editors for the ballot form and the evaluator groups (no JSON for the user)."""

from decimal import Decimal

from django import forms

from pingyi.lib.a11y import named

SCALE_ROWS, CRITERIA_ROWS, GRADE_ROWS, GROUP_ROWS = 6, 6, 5, 6


class BallotFormEditor(forms.Form):
    trim_min_count = forms.IntegerField(label="去掉最高最低分的最少票数", min_value=1, initial=6)
    trim_drop_high = forms.IntegerField(label="去掉最高分个数", min_value=0, initial=1)
    trim_drop_low = forms.IntegerField(label="去掉最低分个数", min_value=0, initial=1)
    quota_enabled = forms.BooleanField(label="限制高分名额", required=False, initial=True)
    quota_share = forms.DecimalField(
        label="高分名额比例（%）", min_value=0, max_value=100, required=False, initial=30
    )
    quota_min_score = forms.DecimalField(label="高分线（分）", min_value=0, required=False, initial=90)
    reject_uniform = forms.BooleanField(label="所有人同一档次为无效票", required=False, initial=True)
    min_valid = forms.IntegerField(label="有效票少于此数时标注“票数不足”", min_value=1, initial=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(SCALE_ROWS):
            self.fields[f"level_{i}"] = forms.CharField(label=f"档次{i + 1}", max_length=10, required=False)
            self.fields[f"points_{i}"] = forms.DecimalField(
                label="分值", required=False, min_value=0, max_value=1000
            )
            named(self.fields[f"level_{i}"], f"档次{i + 1}名称")
            named(self.fields[f"points_{i}"], f"档次{i + 1}分值")
        for i in range(CRITERIA_ROWS):
            self.fields[f"criterion_{i}"] = forms.CharField(
                label=f"测评内容{i + 1}", max_length=30, required=False
            )
            self.fields[f"criterion_weight_{i}"] = forms.DecimalField(
                label="权重", required=False, min_value=0
            )
            named(self.fields[f"criterion_{i}"], f"测评内容{i + 1}")
            named(self.fields[f"criterion_weight_{i}"], f"测评内容{i + 1}权重")
        for i in range(GRADE_ROWS):
            self.fields[f"grade_{i}"] = forms.CharField(label=f"等次{i + 1}", max_length=10, required=False)
            self.fields[f"grade_min_{i}"] = forms.DecimalField(label="最低分", required=False, min_value=0)
            named(self.fields[f"grade_{i}"], f"等次{i + 1}名称")
            named(self.fields[f"grade_min_{i}"], f"等次{i + 1}最低分")

    @classmethod
    def from_config(cls, form):
        initial = {
            "trim_min_count": form.rules["trim"]["min_count"],
            "trim_drop_high": form.rules["trim"]["drop_high"],
            "trim_drop_low": form.rules["trim"]["drop_low"],
            "quota_enabled": bool(form.rules.get("top_quota")),
            "reject_uniform": form.rules["reject_uniform"],
            "min_valid": form.rules["min_valid"],
        }
        if form.rules.get("top_quota"):
            initial["quota_share"] = Decimal(str(form.rules["top_quota"]["share"])) * 100
            initial["quota_min_score"] = form.rules["top_quota"]["min_score"]
        for i, level in enumerate(form.scale):
            initial[f"level_{i}"], initial[f"points_{i}"] = level["label"], level["points"]
        for i, c in enumerate(form.criteria):
            initial[f"criterion_{i}"], initial[f"criterion_weight_{i}"] = c["label"], c["weight"]
        for i, g in enumerate(form.rules["grades"]):
            initial[f"grade_{i}"], initial[f"grade_min_{i}"] = g["label"], g["min"]
        return cls(initial=initial)

    def clean(self):
        data = super().clean()
        scale = [(data.get(f"level_{i}") or "").strip() for i in range(SCALE_ROWS)]
        scale = [(label, data.get(f"points_{i}")) for i, label in enumerate(scale) if label]
        if len(scale) < 2 or len({label for label, _ in scale}) != len(scale):
            raise forms.ValidationError("至少需要两个档次，且档次名称不能重复")
        if all(points is None for _, points in scale):
            raise forms.ValidationError("至少一个档次要有分值（分值留空的档次表示“不了解”，不计分）")
        criteria = [
            ((data.get(f"criterion_{i}") or "").strip(), data.get(f"criterion_weight_{i}"))
            for i in range(CRITERIA_ROWS)
        ]
        criteria = [(label, weight) for label, weight in criteria if label]
        if not criteria or any(not weight for _, weight in criteria):
            raise forms.ValidationError("至少需要一项测评内容，且每项都要有大于0的权重")
        grades = [
            ((data.get(f"grade_{i}") or "").strip(), data.get(f"grade_min_{i}")) for i in range(GRADE_ROWS)
        ]
        grades = [(label, low) for label, low in grades if label]
        if not grades or any(low is None for _, low in grades):
            raise forms.ValidationError("请填写等次及其最低分")
        if [low for _, low in grades] != sorted((low for _, low in grades), reverse=True):
            raise forms.ValidationError("等次须按最低分从高到低排列")
        if data.get("quota_enabled") and (
            data.get("quota_share") is None or data.get("quota_min_score") is None
        ):
            raise forms.ValidationError("限制高分名额时须填写名额比例和高分线")
        data["config"] = {"scale": scale, "criteria": criteria, "grades": grades}
        return data

    def to_config(self, keys: list[str]) -> dict:
        """(scale, criteria, rules) in the audit record's shape; criterion keys kept where labels repeat."""
        data, config = self.cleaned_data, self.cleaned_data["config"]

        def num(value):
            return int(value) if value == int(value) else float(value)

        criteria = []
        for i, (label, weight) in enumerate(config["criteria"]):
            key = keys[i] if i < len(keys) else f"c{i + 1}"
            criteria.append({"key": key, "label": label, "weight": num(weight)})
        rules = {
            "trim": {"min_count": data["trim_min_count"], "drop_high": data["trim_drop_high"], "drop_low": data["trim_drop_low"]},
            "top_quota": {"share": num(data["quota_share"] / 100), "min_score": num(data["quota_min_score"])}
            if data.get("quota_enabled") else None,
            "reject_uniform": data["reject_uniform"],
            "grades": [{"label": label, "min": num(low)} for label, low in config["grades"]],
            "min_valid": data["min_valid"],
        }  # fmt: skip
        scale = [
            {"label": label, "points": None if points is None else num(points)}
            for label, points in config["scale"]
        ]
        return {"scale": scale, "criteria": criteria, "rules": rules}


class GroupsEditor(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(GROUP_ROWS):
            self.fields[f"label_{i}"] = forms.CharField(label=f"评议组{i + 1}", max_length=40, required=False)
            self.fields[f"weight_{i}"] = forms.DecimalField(
                label="权重", required=False, min_value=0, max_digits=6, decimal_places=2
            )
            self.fields[f"count_{i}"] = forms.IntegerField(
                label="人数", required=False, min_value=1, max_value=2000
            )
            named(self.fields[f"label_{i}"], f"评议组{i + 1}名称")
            named(self.fields[f"weight_{i}"], f"评议组{i + 1}权重")
            named(self.fields[f"count_{i}"], f"评议组{i + 1}人数")

    @classmethod
    def from_groups(cls, groups):
        initial = {}
        for i, g in enumerate(groups):
            initial.update({f"label_{i}": g.label, f"weight_{i}": g.weight, f"count_{i}": g.head_count})
        return cls(initial=initial)

    def clean(self):
        data = super().clean()
        rows = []
        for i in range(GROUP_ROWS):
            label = (data.get(f"label_{i}") or "").strip()
            if not label:
                continue
            if not data.get(f"weight_{i}") or not data.get(f"count_{i}"):
                raise forms.ValidationError(f"评议组「{label}」须填写大于0的权重和人数")
            rows.append(
                {
                    "key": f"g{len(rows) + 1}",
                    "label": label,
                    "weight": data[f"weight_{i}"],
                    "head_count": data[f"count_{i}"],
                }
            )
        if not rows:
            raise forms.ValidationError("至少需要一个评议组")
        if len({r["label"] for r in rows}) != len(rows):
            raise forms.ValidationError("评议组名称不能重复")
        data["groups"] = rows
        return data
