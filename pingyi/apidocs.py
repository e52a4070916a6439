"""The API reference at /api/docs: the OpenAPI schema Ninja generates (the same one /api/openapi.json
serves), read in Chinese on a page of the site's own, server-rendered, without JavaScript.

Ninja's bundled Swagger UI was replaced because it fails the site's accessibility bar (its colours,
buttons nested in buttons) and needs a script to show anything. Who may read it is unchanged: anyone,
like /api/openapi.json (the API itself authenticates every call; the reference holds no data).
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from pingyi.api import ERROR_ANSWERS, api

TYPES = {
    "integer": "整数",
    "number": "数字",
    "string": "字符串",
    "boolean": "布尔值（true 或 false）",
    "object": "JSON 对象",
    "array": "数组",
    "null": "null",
}
FORMATS = {"date": "日期，如 2026-01-31", "date-time": "日期时间（ISO 8601）", "binary": "文件"}
PLACES = {"path": "网址路径", "query": "查询参数", "header": "请求头", "cookie": "Cookie"}
REF = "#/components/schemas/"
# Ninja's own words for an answer without a description of ours.
WORDS = {"OK": "成功", "Created": "已创建", "No Content": "成功，无正文"}


def schema_anchor(name: str) -> str:
    return f"schema-{name}"


def type_html(schema: dict | None) -> str:
    """A schema's type in words, each named structure a link to its table further down."""
    if not schema:
        return "JSON（结构未在描述中列出，见接口说明）"
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF)
        return format_html('<a href="#{}"><code>{}</code></a>', schema_anchor(name), name)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            variants = [v for v in schema[key] if v.get("type") != "null"]
            nullable = len(variants) < len(schema[key])
            text = mark_safe(" 或 ".join(type_html(v) for v in variants))
            return format_html("{}，可为 null", text) if nullable else text
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return type_html(schema["allOf"][0])
    if "enum" in schema:
        values = format_html_join("、", "<code>{}</code>", ((v,) for v in schema["enum"]))
        return format_html("{}，取值：{}", TYPES.get(schema.get("type", "string"), "字符串"), values)
    kind = schema.get("type")
    if kind == "array":
        return format_html("数组，每项为 {}", type_html(schema.get("items")))
    words = TYPES.get(kind, kind or "JSON")
    if schema.get("format") in FORMATS:
        words = FORMATS[schema["format"]]
    return words


BOUNDS = [
    ("minimum", "不小于 {}"),
    ("maximum", "不大于 {}"),
    ("exclusiveMinimum", "大于 {}"),
    ("exclusiveMaximum", "小于 {}"),
    ("minLength", "至少 {} 个字符"),
    ("maxLength", "不超过 {} 个字符"),
    ("minItems", "至少 {} 项"),
    ("maxItems", "至多 {} 项"),
]


def rules_html(schema: dict) -> str:
    """Default and bounds in words; a pattern shown as it is (a regular expression)."""
    parts = []
    variants = [schema] + [v for v in schema.get("anyOf", []) if v.get("type") != "null"]
    for part in variants:
        for key, wording in BOUNDS:
            if key in part and not (key == "maximum" and part[key] >= 2**63 - 1):
                parts.append(wording.format(part[key]))
        if "pattern" in part:
            parts.append(format_html("须符合正则表达式 <code>{}</code>", part["pattern"]))
    if "default" in schema and schema["default"] not in ("", None):
        default = schema["default"]
        if isinstance(default, bool):
            default = "true" if default else "false"
        parts.append(format_html("默认 <code>{}</code>", default))
    return mark_safe("；".join(str(p) for p in parts))


def fields(schema: dict) -> list[dict]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": type_html(prop),
            "required": name in required,
            "description": prop.get("description", ""),
            "rules": rules_html(prop),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def body_of(content: dict | None) -> dict | None:
    """The JSON body of a request or an answer: its type, and its fields when it names a structure."""
    if not content:
        return None
    media, spec = next(iter(content.items()))
    schema = spec.get("schema") or {}
    return {"media": media, "type": type_html(schema), "ref": schema.get("$ref", "").removeprefix(REF)}


def security_text(requirements: list | None) -> str:
    if requirements == []:
        return "无需登录"
    return "API 令牌或登录会话"


def reference(schema: dict) -> dict:
    """The schema regrouped for reading: tags in the order they first appear, each with its operations."""
    components = schema.get("components", {}).get("schemas", {})
    tags: dict[str, list] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, op in operations.items():
            parameters = [
                {
                    "name": p["name"],
                    "place": PLACES.get(p["in"], p["in"]),
                    "type": type_html(p.get("schema")),
                    "required": p.get("required", False),
                    "description": p.get("description", ""),
                    "rules": rules_html(p.get("schema", {})),
                }
                for p in op.get("parameters", [])
            ]
            request = op.get("requestBody")
            body = body_of(request.get("content")) if request else None
            if body:
                body["required"] = request.get("required", False)
                body["fields"] = fields(components.get(body["ref"], {})) if body["ref"] else []
            answers, common = [], []
            for code, answer in sorted(op.get("responses", {}).items(), key=lambda item: str(item[0])):
                description = answer.get("description", "")
                if ERROR_ANSWERS.get(str(code)) == description:
                    common.append(str(code))  # said once, in the 错误应答 section
                    continue
                answers.append(
                    {
                        "code": code,
                        "description": WORDS.get(description, description),
                        "body": body_of(answer.get("content")),
                    }
                )
            tags.setdefault((op.get("tags") or ["其他"])[0], []).append(
                {
                    "id": op.get("operationId") or f"{method}-{path}",
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "security": security_text(op.get("security", schema.get("security"))),
                    "parameters": parameters,
                    "body": body,
                    "answers": answers,
                    "common_errors": common,
                }
            )
    structures = [
        {"name": name, "anchor": schema_anchor(name), "type": type_html({k: v for k, v in s.items() if k != "properties"}),
         "fields": fields(s)}
        for name, s in components.items()
    ]  # fmt: skip
    groups = [
        {"name": name, "anchor": f"tag-{i}", "operations": operations}
        for i, (name, operations) in enumerate(tags.items(), start=1)
    ]
    return {"info": schema.get("info", {}), "tags": groups, "structures": structures}


def api_docs(request):
    schema = api.get_openapi_schema()  # exactly what /api/openapi.json serves
    context = reference(schema)
    context["openapi_url"] = reverse("api:openapi-json")
    context["errors"] = [
        (code, text, type_html({"$ref": REF + ("InvalidRequest" if code == "422" else "Error")}))
        for code, text in ERROR_ANSWERS.items()
    ]
    return render(request, "api_docs.html", context)
