"""Generated duty-report text: for the benchmark's 20,000 reports and the demo city's reports.

Reports are built from set phrases (shared by thousands of reports, as real ones are) and clauses
whose fixed wording between figures, names and places is shorter than the 13 characters the check
looks for, so two unrelated generated reports share no copied run, as two honest real ones don't.
"""

import random
import re

OPENERS = [
    "坚持以习近平新时代中国特色社会主义思想为指导", "深入学习贯彻党的二十大精神", "在县委县政府的坚强领导下",
    "按照市委市政府的决策部署", "紧紧围绕全年目标任务", "始终坚持以人民为中心的发展思想", "坚持稳中求进工作总基调",
    "认真落实全面从严治党主体责任", "牢固树立新发展理念", "坚持把发展作为第一要务", "聚焦群众急难愁盼问题",
    "坚决扛起安全生产政治责任", "统筹推进疫情防控和经济社会发展", "持续深化作风建设", "全面落实河长制湖长制",
    "扎实推进乡村振兴战略", "着力优化营商环境", "坚持党建引领基层治理", "认真落实意识形态工作责任制",
    "大力弘扬求真务实作风", "全力以赴抓项目促投资", "牢牢守住不发生规模性返贫底线", "坚持绿水青山就是金山银山",
    "持续推进平安建设", "严格落实中央八项规定精神", "始终把群众利益放在首位", "不断加强领导班子自身建设",
    "积极践行新时代枫桥经验", "以钉钉子精神抓好各项任务落实", "坚持问题导向和目标导向相结合",
]  # fmt: skip
CLOSERS = [
    "群众获得感幸福感安全感不断增强", "各项工作取得了新的进展", "为全镇高质量发展奠定了坚实基础",
    "得到了上级部门的充分肯定", "基层基础工作进一步夯实", "干部群众的精气神进一步提振", "发展后劲持续增强",
    "经济社会保持平稳健康发展", "营商环境持续优化", "社会大局保持和谐稳定", "生态环境质量明显改善",
    "农村人居环境持续改善", "党组织的战斗堡垒作用充分发挥", "干部队伍的能力素质不断提升",
    "民生保障水平稳步提高", "安全生产形势总体平稳",
]  # fmt: skip
PROJECTS = [
    "高标准农田", "农村公路", "污水管网", "小型水利设施", "综合服务中心", "光伏电站", "冷链仓库", "农产品基地",
    "标准化厂房", "老旧小区", "垃圾中转站", "幸福院", "卫生院", "中心小学", "文化广场", "农贸市场", "电商服务站",
    "避难场所", "河道整治工程", "山塘水库", "集中供水工程", "旅游示范点", "农业产业园", "人才公寓", "养老服务中心",
    "公共停车场", "便民服务大厅", "网格平台", "秸秆利用中心", "茶叶加工厂", "产业路", "机耕桥", "灌溉渠",
    "村史馆", "农家书屋", "健身步道", "党群服务中心", "日间照料中心", "物流分拣中心", "育秧工厂",
]  # fmt: skip
INDUSTRIES = [
    "生态养殖", "有机蔬菜", "优质稻米", "茶叶", "中药材", "花卉苗木", "食用菌", "特色水果", "休闲农业", "农产品加工",
    "纺织服装", "机械制造", "新型建材", "电子元件", "物流仓储", "文化旅游", "健康养老", "农村电商", "稻虾共作",
    "林下经济", "竹木加工", "小龙虾", "黑山羊", "油茶", "葡萄", "蓝莓", "肉牛", "蚕桑",
]  # fmt: skip
PEOPLE = ["脱贫户", "低保户", "返乡创业人员", "农村劳动力", "退役军人", "高校毕业生", "残疾人", "留守儿童", "独居老人",
          "种养大户", "新型职业农民", "网格员"]  # fmt: skip
# Clause skeletons: {a|b|c} picks one wording, {A} {P} {N} {M} figures, {PLACE} one of the
# township's own villages, {PROJ} {IND} {PEO} names. Real reports word the same facts many ways,
# give figures of many sizes and tie them to their own villages; so do these, or unrelated reports
# would share a skeleton with an equal figure (13 characters and more) far more often than real
# ones do.
CLAUSES = [
    "{PLACE}{完成|实现}{固定资产投资|项目投资|工业投资}{A}{亿元|万元}，{同比增长|增幅|增速为}{P}%",
    "{PLACE}{新建|建成|改造|续建}{PROJ}{N}{个|处|座|项}，{总投资|投入资金|完成投资}{A}万元",
    "{PLACE}{PROJ}{建成|投用|开工}{N}{个|处|座}，{惠及|覆盖|服务}{群众|农户|居民}{M}{人|户}",
    "{PLACE}{新增|培育|引进}{IND}{企业|合作社|家庭农场}{N}{家|户}，{带动|吸纳}就业{M}人",
    "{PLACE}{IND}{产值|销售收入|产业规模}{达到|突破}{A}{亿元|万元}，{占比|贡献率}{P}%",
    "{PLACE}{帮助|组织|引导}{PEO}{M}人{实现就业|外出务工|就近就业}，{人均|户均}增收{A}元",
    "{PLACE}{化解|调处|受理}{矛盾纠纷|信访事项|邻里纠纷}{M}{件|起}，{化解率|办结率}{P}%",
    "{PLACE}{排查|巡查}{安全隐患|风险点|燃气隐患}{M}{处|个}，{整改|消除}{N}{处|个}",
    "{PLACE}{发展|种植}{IND}{M}{亩|户}，{亩均|户均}{收益|增收}{A}{元|万元}",
    "{PLACE}{引进|签约}{IND}项目{N}个，{协议投资|到位资金}{A}{亿元|万元}",
    "{PLACE}{发放|兑现}{补助资金|奖补资金|救助资金}{A}万元，{覆盖|惠及}{PEO}{M}{户|人}",
    "{PLACE}{召开|组织}{专题会|调度会|推进会}{N}次，{解决|协调}{具体问题|实际困难}{M}{个|件}",
    "{PLACE}{村集体经济收入|村级收入|集体收入}{达到|突破}{A}万元，{较上年|同比}{增加|增长}{A}万元",
    "{PLACE}{发展|吸收}{党员|预备党员}{N}名，{培养|确定}{入党积极分子|发展对象}{M}名",
    "{PLACE}{办理|受理}{群众诉求|网格事项|热线工单}{M}件，{办结率|满意率}{P}%",
    "{PLACE}{建设|建成}{IND}{示范基地|产业园|种植基地}{N}个，{面积|规模}{M}亩",
    "{PLACE}{清理|疏浚|整治}{河道|沟渠|塘坝}{A}公里，{拆除|清理}{违章建筑|乱堆乱放}{M}平方米",
]  # fmt: skip
# The clauses about each of the four areas a duty report covers (the keys of reviews.models.Area).
AREA_CLAUSES = {
    "development": (0, 3, 4, 8, 9, 15),
    "livelihood": (1, 2, 5, 10, 16),
    "safety": (6, 7, 14),
    "party": (11, 12, 13),
}
HEADINGS = [
    "聚焦发展第一要务，经济实力稳步提升", "坚持以人民为中心，民生福祉持续改善", "统筹发展和安全，社会大局和谐稳定",
    "全面从严治党，基层党建不断加强", "深化改革创新，发展活力持续释放", "推进乡村振兴，城乡面貌焕然一新",
    "存在的问题和不足", "下一步工作打算",
]  # fmt: skip
PLACE_A = list(
    "青柳石桥河东西南北新安平和兴宁华龙凤金银白红黄马杨李王高张刘陈周吴徐孙朱胡郭林罗梁宋郑谢韩唐冯"
)
PLACE_B = list("山河桥湾营集店庄口岗港坪塘溪坝洲滩寨埠墩铺园林川泉")
PLACE_KIND = ["村", "社区", "片区", "组"]
KINDS_OF_UNIT = ["镇", "乡", "街道"]
VILLAGE_CHARS = list(
    "安宝北碧博昌长朝辰崇春翠大丹道德东丰凤福富高光广桂国海和河鹤红宏洪华怀黄辉惠吉嘉建江金锦晶靖九聚康兰乐"
    "黎莲良林临灵龙隆鲁罗马茂梅美民明南宁平浦齐启前桥青清庆瑞三沙山尚石双水顺松泰桃天田通同万旺文西溪霞仙祥"
)


def villages(unit: str) -> list[str]:
    """The township's own villages: the same every time for the same unit."""
    pick = random.Random(unit)
    return [
        pick.choice(VILLAGE_CHARS)
        + pick.choice(VILLAGE_CHARS)
        + pick.choice(PLACE_B)
        + pick.choice(PLACE_KIND)
        for _ in range(12)
    ]


def unit_name(i: int) -> str:
    a, b = PLACE_A[i % len(PLACE_A)], PLACE_B[(i // len(PLACE_A)) % len(PLACE_B)]
    c = PLACE_A[(i // (len(PLACE_A) * len(PLACE_B))) % len(PLACE_A)]
    return f"{c}{a}{b}{KINDS_OF_UNIT[i % 3]}"


def _figure(rng: random.Random, kind: str, plausible: bool = False) -> str:
    if plausible:
        # For reading (the demo): amounts, percentages, counts of things, counts of people.
        low, high, places = {"a": (0.5, 30.0, 1), "p": (2.0, 98.0, 1), "n": (2, 60, 0), "m": (20, 3000, 0)}[
            kind
        ]
        return f"{rng.uniform(low, high):.1f}" if places else str(rng.randint(low, high))
    # Wide ranges: equal figures in two reports should be as rare as they are in real ones.
    if kind == "a":
        return f"{rng.uniform(1, 100_000):.2f}"
    if kind == "p":
        return f"{rng.uniform(0.5, 99.99):.2f}"
    if kind == "n":
        return str(rng.randint(10, 99_999))
    return str(rng.randint(100, 999_999))


_SLOT = re.compile(r"\{([^}]*)\}")


def fill(rng: random.Random, places: list[str], pattern: str, *, plausible: bool = False) -> str:
    """Fill a pattern's slots: {a|b} one wording, {A} {P} {N} {M} figures, {PLACE} {PROJ} {IND} {PEO} names."""

    def one(m):
        slot = m.group(1)
        if "|" in slot:
            return rng.choice(slot.split("|"))
        if slot in ("A", "P", "N", "M"):
            return _figure(rng, slot.lower(), plausible)
        if slot == "PLACE":
            return rng.choice(places)
        return rng.choice({"PROJ": PROJECTS, "IND": INDUSTRIES, "PEO": PEOPLE}[slot])

    return _SLOT.sub(one, pattern)


def clause(rng: random.Random, places: list[str], *, area: str | None = None, plausible: bool = False) -> str:
    pool = CLAUSES if area is None else [CLAUSES[i] for i in AREA_CLAUSES[area]]
    return fill(rng, places, rng.choice(pool), plausible=plausible)


def sentence(rng: random.Random, places: list[str]) -> str:
    clause_text = clause(rng, places)
    shape = rng.random()
    if shape < 0.2:
        return f"{rng.choice(OPENERS)}，{clause_text}。"
    if shape < 0.3:
        return f"{clause_text}，{rng.choice(CLOSERS)}。"
    if shape < 0.35:
        return f"{rng.choice(OPENERS)}，{clause_text}，{rng.choice(CLOSERS)}。"
    return f"{clause_text}。"


def report(rng: random.Random, unit: str, year: int, target: int = 3000) -> str:
    places = villages(unit)
    lines = [
        f"{unit}党委书记{year}年度述职报告",
        f"{year}年，{unit}党委{rng.choice(OPENERS)}，现将履职情况报告如下。",
    ]
    size = sum(len(x) for x in lines)
    numerals = "一二三四五六七八"
    headings = rng.sample(HEADINGS[:6], 4) + HEADINGS[6:]
    per_section = max(1, (target - size) // (len(headings) * 2))
    for number, heading in zip(numerals, headings, strict=False):
        lines.append(f"{number}、{heading}")
        for _ in range(2):
            paragraph = ""
            while len(paragraph) < per_section:
                paragraph += sentence(rng, places)
            lines.append(paragraph)
    return "\n".join(lines)


# 伪原创 ("spun") copies: a synonym tool replaces words here and there, mostly by words of the same
# length, some by longer or shorter ones. For the bench's and the tests' reworded copies.
SYNONYMS = {
    "发展": "开展", "服务": "效劳", "学习": "进修", "推进": "推动", "建设": "修建", "群众": "民众", "完成": "达成",
    "实现": "达到", "全面": "全部", "持续": "继续", "提升": "提高", "坚持": "坚守", "加强": "增强", "落实": "执行",
    "工作": "作业", "组织": "机构", "引导": "带领", "帮助": "协助", "排查": "检查", "整治": "治理", "新建": "新修",
    "培育": "培养", "企业": "公司", "项目": "工程", "增长": "增加", "带动": "拉动", "就业": "上岗", "居民": "住户",
    "干部": "官员", "基层": "底层", "取得": "获得", "进一步": "更", "不断": "持续不断", "稳步": "稳", "明显": "显著",
    "惠及": "让利于", "协调": "调和", "具体": "详细", "问题": "难题", "安全": "平安", "隐患": "风险隐患",
}  # fmt: skip
_SPIN_POOL = "的一是在了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行"


def spin(rng: random.Random, text: str, rate: float) -> str:
    """`text` with about `rate` of its characters replaced: synonyms first, then any two characters.

    Figures and punctuation are left as they are (spinning tools keep them).
    """
    want = round(rate * len(text))
    spots = []  # (start, end, replacement)
    taken = bytearray(len(text))
    for word, other in SYNONYMS.items():
        for m in re.finditer(word, text):
            spots.append((m.start(), m.end(), other))
    rng.shuffle(spots)
    chosen, changed = [], 0
    for a, b, other in spots:
        if changed >= want:
            break
        # Not next to another replacement: a tool replaces words, and words are apart.
        if any(taken[max(0, a - 1) : b + 1]):
            continue
        taken[a:b] = b"\x01" * (b - a)
        chosen.append((a, b, other))
        changed += b - a
    tries = 0
    while changed < want and tries < 20 * len(text):
        tries += 1
        a = rng.randrange(0, max(1, len(text) - 1))
        b = a + 2
        if (
            b > len(text)
            or any(taken[max(0, a - 1) : b + 1])
            or not all("\u4e00" <= ch <= "\u9fff" for ch in text[a:b])
        ):
            continue
        taken[a:b] = b"\x01\x01"
        chosen.append((a, b, "".join(rng.choice(_SPIN_POOL) for _ in range(2))))
        changed += 2
    out, last = [], 0
    for a, b, other in sorted(chosen):
        out += [text[last:a], other]
        last = b
    out.append(text[last:])
    return "".join(out)
