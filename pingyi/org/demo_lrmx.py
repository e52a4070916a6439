"""A few demo cadres whose records come through 任免审批表 files, as real ones would.

The township chiefs of the demo clerk's township and its neighbour are written as .lrmx files (their
registry record plus a photo drawn here, family members, 出生地, 健康状况, 奖惩情况 and
年度考核) and imported through the same door as a real folder of files. Photos are
generated, never committed; everything is deterministic, so loading twice changes nothing.
"""

import io
import random

from django.utils import timezone

from .lrmx_export import filename, lrmx_bytes
from .models import Cadre, Post, Unit

RELATIONS = [("妻子", "中共党员", "{county}第一中学教师"), ("儿子", "共青团员", "示例大学学生"),
             ("父亲", "群众", "已故"), ("母亲", "群众", "退休")]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN = "秀兰建华淑珍国强玉梅志刚"


def portrait(seed: str) -> bytes:
    """A plain ID-photo placeholder: a grey silhouette on a blue ground, 3:4."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (150, 200), (67 + rng.randint(0, 30), 142, 219))
    draw = ImageDraw.Draw(image)
    shade = 200 + rng.randint(0, 40)
    draw.ellipse((45, 35, 105, 110), fill=(shade, shade, shade))
    draw.ellipse((15, 115, 135, 260), fill=(shade - 30, shade - 30, shade - 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def demo_cadres(townships: list[Unit]) -> list[Cadre]:
    chiefs = Post.objects.current().filter(unit__in=townships, is_chief=True).values("cadre_id")
    return list(Cadre.objects.filter(pk__in=chiefs).select_related("unit", "unit__parent").order_by("id"))


def demo_lrmx_files(townships: list[Unit]) -> list[tuple[str, bytes]]:
    files = []
    this_year = timezone.localdate().year
    for cadre in demo_cadres(townships):
        county = cadre.unit.parent.name if cadre.unit.parent_id else ""
        rng = random.Random(cadre.id_number or cadre.name)
        posts = list(
            Post.objects.current().filter(cadre=cadre).select_related("unit", "unit__parent").order_by("id")
        )
        family = []
        for relation, status, work in RELATIONS[: rng.randint(2, 4)]:
            born = (
                cadre.birth.year
                + {"妻子": rng.randint(-2, 3), "儿子": 28, "父亲": -27, "母亲": -25}[relation]
            )
            family.append(
                {
                    "ChengWei": relation,
                    "XingMing": (cadre.name[0] if relation in ("儿子", "父亲") else rng.choice(SURNAMES))
                    + rng.choice(GIVEN),
                    "ChuShengRiQi": "" if work == "已故" else f"{born}{rng.randint(1, 12):02d}",
                    "ZhengZhiMianMao": status,
                    "GongZuoDanWeiJiZhiWu": work.format(county=county),
                }
            )
        cadre.lrmx_fields = {
            "ChuShengDi": cadre.native_place,
            "JianKangZhuangKuang": "健康",
            "JiangChengQingKuang": f"{this_year - 3}年被评为全市优秀乡镇党委书记"
            if rng.random() < 0.5
            else "无",
            "ChengBaoDanWei": f"中共{county}委员会",
        }
        assessments = [(this_year - k, "优秀" if rng.random() < 0.3 else "称职") for k in (3, 2, 1)]
        files.append(
            (
                filename(cadre),
                lrmx_bytes(cadre, posts, assessments, portrait(cadre.id_number or cadre.name), family),
            )
        )
    return files
