"""How real files name a unit, and how a post text names unit and title together.

A township appears as 青山镇, as its full name 东城区青山镇 (上级 + 名称), and in
its organisational forms: 青山镇党委, 中共青山镇委员会, 青山镇人民政府, and for a
街道 青山街道党工委, 青山街道办事处. A name that matches no unit, or more than
one, is never guessed at: the caller reports it. Pure: no database.
"""

from __future__ import annotations

import re

# Longest first, so 工作委员会 is taken before 委员会.
_ORGAN_SUFFIXES = ("街道工作委员会", "工作委员会", "委员会", "党工委", "党委", "人民政府", "政府",
                   "街道办事处", "办事处")  # fmt: skip
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


def clean(text: str) -> str:
    return "".join(str(text).split())


def forms(ref: str) -> list[str]:
    """The names to look a unit up by, most literal first."""
    text = clean(ref)
    result = [text]
    bare = _BRACKETS.sub("", text)
    if bare != text:
        result.append(bare)
    base = bare.removeprefix("中共")
    for suffix in _ORGAN_SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            stem = base[: -len(suffix)]
            # 青山街道办事处 → 青山街道; 青山镇党委 → 青山镇
            if suffix.startswith("街道"):
                stem += "街道"
            result.append(stem)
            break
    else:
        # 东城区委 → 东城区
        if re.search(r"[区县市镇乡]委$", base):
            result.append(base[:-1])
    if base not in result:
        result.append(base)
    return list(dict.fromkeys(result))


# The rest of a post text after the unit's name → our title.
_TITLE_PREFIXES = (("委员会", "党委"), ("工作委员会", "党工委"), ("人民政府", ""), ("政府", ""))


def title_after_unit(rest: str, unit_name: str) -> str:
    rest = clean(rest)
    for prefix, replacement in _TITLE_PREFIXES:
        if rest.startswith(prefix) and len(rest) > len(prefix):
            rest = replacement + rest[len(prefix) :]
            break
    if rest.startswith("办事处") and unit_name.endswith("街道"):
        rest = "街道" + rest
    return rest


def post_parts(text: str) -> list[str]:
    return [p for p in (clean(p) for p in re.split(r"[、，,；;\n]", text)) if p]
