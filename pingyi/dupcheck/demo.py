"""Demo corpus: a 范文 as scraped from a template site (sidebar included) and a policy text.

Loaded before the review rounds (INSTALLED_APPS order), so the demo duty reports are checked
against it when they are submitted; the second round has one report that copies the 范文.
"""

from .actions import do_index_texts
from .models import Document

TEMPLATE_TITLE = "乡镇党委书记年度述职报告范文"
TEMPLATE_SITE = "某公文范文网"
# The paragraph a demo report copies (reviews/demo.py), word for word.
TEMPLATE_PARAGRAPH = (
    "坚持把抓好党建作为最大政绩，每季度专题研究党建工作不少于一次，带头讲党课、上党课，"
    "推动基层党组织标准化规范化建设，软弱涣散村党组织全部完成整顿转化。"
)
TEMPLATE = f"""当前位置：网站首页 > 述职报告 > 个人述职
{TEMPLATE_TITLE}
一年来，在县委、县政府的坚强领导下，我始终坚持以人民为中心的发展思想，团结带领镇党委一班人，
紧紧围绕年初确定的目标任务，真抓实干、攻坚克难，推动全镇经济社会发展迈上了新台阶。现将一年来的工作述职如下：
一、聚焦主责主业，压紧压实管党治党责任
{TEMPLATE_PARAGRAPH}
二、聚焦项目建设，推动经济高质量发展
始终把项目建设作为经济工作的生命线，实行“一个项目、一名领导、一套班子、一抓到底”的推进机制，全年新签约项目若干个，
完成固定资产投资若干亿元，工业集中区承载能力明显提升。
三、聚焦民生实事，不断增进群众福祉
坚持尽力而为、量力而行，扎实办好群众“急难愁盼”的民生实事，农村人居环境整治成效明显，群众获得感幸福感安全感持续增强。
四、存在的问题和不足
一是产业结构不够优化，新兴产业占比不高；二是基础设施短板仍然突出；三是干部队伍活力有待进一步激发。
您可能感兴趣的文稿
2026-11-02 街道党工委书记抓基层党建工作述职报告
2026-10-28 2026年度乡镇长述职述廉报告
2026-10-19 镇党委书记履行全面从严治党主体责任述职报告
阅读排行
· 个人述职报告范文大全
· 年度考核个人总结
上一篇：乡镇长个人述职报告
下一篇：社区党委书记述职报告
"""
POLICY_TITLE = "关于加强乡镇（街道）党政正职队伍建设的意见（摘录）"
POLICY = """关于加强乡镇（街道）党政正职队伍建设的意见（摘录）
乡镇（街道）党政正职是党在基层的领头人和骨干力量，肩负着谋发展、促改革、保民生、护稳定、带队伍的重任。
要坚持把政治标准放在首位，选优配强乡镇（街道）党政正职，注重从优秀村（社区）党组织书记、选调生和到村任职的高校毕业生中选拔。
要建立健全乡镇（街道）党政正职述职评议制度，评议结果作为干部选拔任用、评先奖优和问责追责的重要依据。
"""


def load(stdout) -> None:
    if Document.objects.corpus().exists():
        return
    templates = do_index_texts([(TEMPLATE_TITLE, TEMPLATE, TEMPLATE_SITE)], kind="template")
    policies = do_index_texts([(POLICY_TITLE, POLICY, "市委组织部")], kind="policy")
    stdout.write(f"报告查重：范文库 {len(templates.added)} 篇范文、{len(policies.added)} 篇政策文件")
