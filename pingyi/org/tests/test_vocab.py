import pytest

from pingyi.org.vocab import (
    is_chief_title,
    is_county_team_text,
    is_county_team_title,
    is_township_chief_text,
)


@pytest.mark.parametrize(
    ("kind", "title", "chief"),
    [
        ("镇", "党委书记", True),
        ("镇", "镇长", True),
        ("乡", "乡长", True),
        ("街道", "党工委书记", True),
        ("街道", "街道办事处主任", True),
        ("街道", "主任", True),
        ("镇", "主任", False),
        ("镇", "副镇长", False),
        ("镇", "党委副书记", False),
        ("县", "县委书记", False),
        ("镇", "人大主席", False),
    ],
)
def test_chief_titles(kind, title, chief):
    assert is_chief_title(kind, title) is chief


@pytest.mark.parametrize(
    ("kind", "title", "team"),
    [
        ("县", "县委书记", True),
        ("县", "县长", True),
        ("区", "区委副书记", True),
        ("县级市", "市长", True),
        ("县", "县委常委", True),
        ("县", "副县长", True),
        ("县", "常务副县长", True),
        ("县", "组织部部长", False),
        ("县", "县纪委书记", False),
        ("镇", "党委书记", False),
        ("市", "市委书记", False),
    ],
)
def test_county_team_titles(kind, title, team):
    assert is_county_team_title(kind, title) is team


@pytest.mark.parametrize(
    ("text", "chief", "team"),
    [
        ("柘川县凤坡镇党委书记", True, False),
        ("柘川县凤坡镇党委副书记、镇长", True, False),
        ("桐溪县永台乡党委委员、副乡长", False, False),
        ("瑞泉区望湖街道党工委书记", True, False),
        ("瑞泉区望湖街道办事处主任", True, False),
        ("青山镇镇长", True, False),
        ("桐溪县委组织部组织科科长", False, False),
        ("岚坪县委副书记、县长", False, True),
        ("泓阳市委书记", False, True),
        ("桐溪县委常委、组织部部长", False, True),
        ("桐溪县副县长", False, True),
        ("桐溪县纪委书记", False, False),
        ("山东农业大学农学专业学习", False, False),
        ("桐溪县城镇化办公室主任", False, False),
    ],
)
def test_resume_text_classification(text, chief, team):
    assert is_township_chief_text(text) is chief
    assert is_county_team_text(text) is team
