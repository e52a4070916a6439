"""The fixed wording of the duty-report template (its Word file, the demo, and the 查重 corpus)."""

from .models import Area

AREA_HEADINGS = {
    Area.DEVELOPMENT: (
        "一、聚焦第一要务，当好发展的领头雁",
        "主要经济指标、特色产业、招商引资、服务企业等方面的工作和成效。",
    ),
    Area.LIVELIHOOD: (
        "二、恪守为民情怀，当好群众的贴心人",
        "民生实事、公共服务、低收入人口帮扶、人居环境整治、人才服务等方面的工作和成效。",
    ),
    Area.SAFETY: (
        "三、筑牢安全底线，当好平安的守护者",
        "安全生产、信访矛盾化解、风险隐患排查、基层治理等方面的工作和成效。",
    ),
    Area.PARTY: (
        "四、加强党的领导，抓好党建与作风廉洁",
        "履行全面从严治党主体责任、班子和队伍建设、作风建设和廉洁自律等情况。",
    ),
}

REPORT_OPENING = "按照市委关于开展乡镇（街道）党政正职述职评议活动的部署，现将本人履职情况报告如下。"
PROBLEMS_HEADING, PLANS_HEADING = "五、存在的问题和不足", "六、下一步工作打算"


def report_template_wording() -> str:
    """The template's own words, which every report may repeat: entered in the 查重 corpus as such."""
    headings = [h for h, _hint in AREA_HEADINGS.values()]
    return "\n".join(["述职报告模板", REPORT_OPENING, *headings, PROBLEMS_HEADING, PLANS_HEADING])
