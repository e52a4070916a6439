"""Issuing proposes what is missing, voiding names a batch and asks, and a loopback address is told."""

import pytest
from django.test import Client
from django.urls import reverse

from pingyi.ballots import actions
from pingyi.ballots.models import BallotToken, TokenStatus
from pingyi.ballots.slips import unreachable_address
from pingyi.reviews import actions as review_actions
from pingyi.testing import make_cadre, make_city, make_personas, make_review

from .conftest import submit


@pytest.fixture
def setup(db, settings):
    # The test client's own host, "testserver", is a bare name phones could not resolve.
    settings.BALLOT_BASE_URL = "http://192.168.1.10/"
    city = make_city()
    people = make_personas(city)
    review = make_review(people.organizer, stage="meeting", appraisees=[make_cadre(city.qingshan, "甲书记")])
    (group,) = actions.do_save_groups(
        review, people.organizer, [{"key": "leaders", "label": "市领导", "weight": 100, "head_count": 5}]
    )
    client = Client()
    client.force_login(people.organizer)
    return review, group, client, people


def overview(client, review):
    return client.get(reverse("ballots_overview", args=[review.pk])).content.decode()


def test_issuing_proposes_only_the_missing_number(setup):
    review, group, client, people = setup
    page = overview(client, review)
    assert f'id="count-{group.pk}" min="1" max="2000" value="5"' in page and "还差 5 张" in page
    actions.do_issue_tokens(group, people.organizer, 3)
    page = overview(client, review)
    assert f'id="count-{group.pk}" min="1" max="2000" value="2"' in page
    assert "还差 2 张（应到 5，已发 3）" in page
    actions.do_issue_tokens(group, people.organizer, 2)
    page = overview(client, review)
    assert f'id="count-{group.pk}" min="1" max="2000" value=""' in page and "已达应到人数 5" in page


def test_a_voided_slip_is_missing_again(setup):
    review, group, client, people = setup
    actions.do_issue_tokens(group, people.organizer, 5)
    BallotToken.objects.filter(group=group, serial__lte=2).update(status=TokenStatus.VOID)
    assert "还差 2 张（应到 5，已发 3）" in overview(client, review)


def test_issuing_beyond_the_head_count_is_refused_until_allowed(setup):
    _review, group, client, people = setup
    actions.do_issue_tokens(group, people.organizer, 5)
    url = reverse("tokens_issue", args=[group.pk])
    refused = client.post(url, {"count": "3"})
    assert refused.status_code == 400
    assert (
        "市领导应到 5 人，已发凭证 5 张（不含作废），再生成 3 张将超过应到人数 3 张"
        in refused.content.decode()
    )
    assert group.tokens.count() == 5
    allowed = client.post(url, {"count": "3", "over": "1"})
    assert allowed.status_code == 200 and allowed["Content-Type"] == "application/pdf"
    assert group.tokens.count() == 8


@pytest.mark.parametrize("count", ["", "0", "-1", "abc"])
def test_a_bad_count_names_the_group(setup, count):
    _review, group, client, _ = setup
    refused = client.post(reverse("tokens_issue", args=[group.pk]), {"count": count})
    assert refused.status_code == 400 and "请填写市领导要生成的凭证张数" in refused.content.decode()
    assert group.tokens.count() == 0


@pytest.mark.parametrize(
    "base, reason",
    [
        ("http://127.0.0.1:8000/", "指向服务器本机"),
        ("http://localhost/", "指向服务器本机"),
        ("http://localhost.localdomain/", "指向服务器本机"),
        ("http://[::1]:8000/", "指向服务器本机"),
        ("http://[::ffff:127.0.0.1]/", "指向服务器本机"),
        ("http://0.0.0.0/", "指向服务器本机"),
        ("http://[::]/", "指向服务器本机"),
        ("http://pingyi.localhost/", "指向服务器本机"),
        ("http://169.254.12.7/", "链路本地地址"),
        ("http://[fe80::1]:8000/", "链路本地地址"),
        ("http://224.0.0.1/", "不是一台服务器的地址"),
        ("http://pingyi.local/", ".local 局域网名称"),
        ("http://zzb-server.local:8000/", ".local 局域网名称"),
        ("http://pingyi/", "只有主机名“pingyi”，没有域名后缀"),
        ("http://pingyi.:8000/", "只有主机名“pingyi”，没有域名后缀"),
        ("192.168.1.10:8000/", "不是以 http:// 或 https:// 开头"),
        ("pingyi.zzb.gov.cn", "不是以 http:// 或 https:// 开头"),
        ("http//192.168.1.10/", "不是以 http:// 或 https:// 开头"),
        ("http:/192.168.1.10/", "不是以 http:// 或 https:// 开头"),
        ("htp://192.168.1.10/", "不是以 http:// 或 https:// 开头"),
        ("ftp://192.168.1.10/", "不是以 http:// 或 https:// 开头"),
        ("http://192.168.1.10:80a/", "端口号写错了"),
        ("http://192.168.1.10:99999/", "端口号写错了"),
        ("http://192.168.1.10:/", "端口号写错了"),
        ("http://192.168.1.10:0/", "端口号写错了"),
        ("http://192.168.1/", "不是完整的 IP 地址"),
        ("http://pingyi,zzb.gov.cn/", "不能用于网址的字符"),
        (" http://192.168.1.10/", "中有空格"),
        ("http://", "没有主机名"),
    ],
)
def test_addresses_no_phone_can_reach_are_named(base, reason):
    assert reason in unreachable_address(base)


@pytest.mark.parametrize(
    "base",
    [
        "http://192.168.1.10/",
        "http://10.12.0.5:8000/",
        "http://172.16.3.4/",
        "https://pingyi.zzb.gov.cn/",
        "HTTP://Pingyi.ZZB.gov.cn:8443/pingyi/",
        "http://pingyi.intranet./",
        "http://[fd00::10]/",
    ],
)
def test_intranet_addresses_pass(base):
    assert unreachable_address(base) == ""


def test_a_loopback_ballot_address_is_told_before_printing(setup, settings):
    review, group, client, _ = setup
    settings.BALLOT_BASE_URL = "http://127.0.0.1:8000/"
    page = overview(client, review)
    assert "凭证上的投票地址 http://127.0.0.1:8000/v/ 指向服务器本机，评议人的手机打不开" in page
    assert "此地址取自环境变量 PINGYI_BALLOT_BASE_URL" in page
    assert "PINGYI_BALLOT_BASE_URL=http://192.168.1.10/" in page
    url = reverse("tokens_issue", args=[group.pk])
    refused = client.post(url, {"count": "5", "freeze_ok": "1"})
    assert refused.status_code == 400 and "仍用此地址" in refused.content.decode()
    assert group.tokens.count() == 0
    issued = client.post(url, {"count": "5", "freeze_ok": "1", "address_ok": "1"})
    assert issued["Content-Type"] == "application/pdf"
    settings.BALLOT_BASE_URL = "http://192.168.1.10/"
    assert "手机打不开" not in overview(client, review)


def test_without_the_setting_the_organizers_own_bare_host_name_is_told(setup, settings):
    review, group, client, _ = setup
    settings.BALLOT_BASE_URL = ""
    page = client.get(reverse("ballots_overview", args=[review.pk]), HTTP_HOST="pingyi").content.decode()
    assert "只有主机名“pingyi”，没有域名后缀" in page
    assert "未设置环境变量 PINGYI_BALLOT_BASE_URL，凭证上印的是您此刻访问本系统所用的地址" in page
    refused = client.post(reverse("tokens_issue", args=[group.pk]), {"count": "5", "freeze_ok": "1"},
                          HTTP_HOST="pingyi")  # fmt: skip
    assert (
        refused.status_code == 400 and "仍用此地址" in refused.content.decode() and group.tokens.count() == 0
    )
    page = client.get(
        reverse("ballots_overview", args=[review.pk]), HTTP_HOST="192.168.1.10"
    ).content.decode()
    assert "手机打不开" not in page and "解析不了" not in page


def test_voiding_names_the_batch_and_asks_first(setup):
    _review, group, client, people = setup
    actions.do_issue_tokens(group, people.organizer, 3)
    actions.do_issue_tokens(group, people.organizer, 2)
    url = reverse("tokens_void", args=[group.pk])
    assert client.post(url, {}).status_code == 400  # no batch chosen: nothing defaults to all
    asked = client.post(url, {"batch": "2"})
    assert asked.status_code == 200
    assert "将作废<b>市领导第2批未使用的凭证</b>，共 <b>2</b> 张" in asked.content.decode()
    assert group.tokens.filter(status=TokenStatus.VOID).count() == 0  # asking voids nothing
    done = client.post(url, {"batch": "2", "confirm": "1"})
    assert done.status_code == 302
    assert list(group.tokens.filter(status=TokenStatus.VOID).values_list("batch", flat=True)) == [2, 2]


def test_voiding_during_voting_warns_that_evaluators_may_hold_the_slips(setup):
    review, group, client, people = setup
    actions.do_issue_tokens(group, people.organizer, 5)
    review_actions.do_move_stage(review, people.organizer, "appraisal")
    page = client.post(reverse("tokens_void", args=[group.pk]), {"batch": "all"}).content.decode()
    assert "测评正在进行" in page and "市领导全部批次未使用的凭证" in page


def test_turnout_is_measured_against_the_head_count_with_issued_beside(setup):
    review, group, client, people = setup
    codes = actions.do_issue_tokens(group, people.organizer, 4)
    review_actions.do_move_stage(review, people.organizer, "appraisal")
    for code in codes[:2]:
        submit(code, {"a01": {"development": "好", "livelihood": "一般", "safety": "较好", "party": "一般"}})
    rows = actions.turnout(review)
    assert rows == [{"group": "市领导", "issued": 4, "submitted": 2, "head_count": 5, "short": True}]
    partial = client.get(reverse("ballots_turnout", args=[review.pk])).content.decode()
    assert (
        '<td class="num">5</td><td class="num">2</td><td class="num">40%</td><td class="num">4</td>'
        in partial
    )


def test_after_publication_the_page_offers_no_slips_and_no_live_refresh(setup):
    review, group, client, people = setup
    actions.do_issue_tokens(group, people.organizer, 5)
    for stage in ("appraisal", "published", "archived"):
        review = review_actions.do_move_stage(review, people.organizer, stage)
    page = overview(client, review)
    assert "生成并下载" not in page and "作废…" not in page and "hx-trigger" not in page
    assert "测评已结束" in page
    refused = client.post(reverse("tokens_void", args=[group.pk]), {"batch": "all", "confirm": "1"})
    assert refused.status_code == 409


def test_the_first_slips_freeze_the_form_so_they_ask_first(setup):
    review, group, client, _ = setup
    url = reverse("tokens_issue", args=[group.pk])
    assert "测评表和评议组已核对（生成后冻结）" in overview(client, review)
    refused = client.post(url, {"count": "5"})
    assert refused.status_code == 400 and "生成第一批凭证后，测评表和评议组冻结" in refused.content.decode()
    assert group.tokens.count() == 0 and not actions.form_for(review).frozen
    assert client.post(url, {"count": "3", "freeze_ok": "1"})["Content-Type"] == "application/pdf"
    assert actions.form_for(review).frozen
    assert "测评表和评议组已核对" not in overview(client, review)  # frozen: nothing more to check
    assert client.post(url, {"count": "2"})["Content-Type"] == "application/pdf"
