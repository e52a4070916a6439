import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from pingyi.dupcheck import actions
from pingyi.dupcheck.models import CheckResult, Document, Fingerprint

from .test_seeds import SCRAPED, SEEDS, SIDEBAR_START, SPEECH

pytestmark = pytest.mark.django_db
CONTRACT_KEYS = [
    "chars", "total_copy_ratio", "excluding_quotes_ratio", "max_single_source", "longest_run",
    "boilerplate_chars", "reworded_chars", "passages",
]  # fmt: skip


def run(*args) -> str:
    out = io.StringIO()
    call_command("dupcheck", *map(str, args), stdout=out)
    return out.getvalue()


def test_json_against_files_follows_the_contract():
    data = json.loads(
        run(SEEDS / "000_b14fbf4da3cb1feb.txt", "--against", SEEDS / "001_f026a8722d11b28f.txt", "--json")
    )
    assert list(data) == CONTRACT_KEYS
    assert data["chars"] == sum(1 for ch in SCRAPED[:SIDEBAR_START] if not ch.isspace())
    assert data["total_copy_ratio"] >= 0.95
    assert data["max_single_source"] == {
        "source": "001_f026a8722d11b28f.txt",
        "ratio": data["total_copy_ratio"],
    }
    assert data["boilerplate_chars"] == sum(1 for ch in SCRAPED[SIDEBAR_START:] if not ch.isspace())
    # From "名乡镇（街道）" (after the lost "***") to where 000 is cut off, quotations included.
    longest = SCRAPED[SCRAPED.index("名乡镇") : SIDEBAR_START]
    assert data["longest_run"] == sum(1 for ch in longest if not ch.isspace()) == 1041
    for p in data["passages"]:
        assert list(p) == ["start", "end", "class", "source", "source_start", "source_end", "reworded"]
        assert p["class"] in {"copied", "quotation", "policy", "template", "common"}
        assert p["source"] == "001_f026a8722d11b28f.txt"
        assert len(SCRAPED[p["start"] : p["end"]]) == p["end"] - p["start"] > 0
    # Nothing is stored by the command.
    assert not Document.objects.exists() and not CheckResult.objects.exists()


def test_a_folder_given_to_against_leaves_the_checked_file_out(tmp_path):
    for name in ("000_b14fbf4da3cb1feb.txt", "001_f026a8722d11b28f.txt"):
        shutil.copy(SEEDS / name, tmp_path / name)
    (tmp_path / "README.md").write_text("# 说明\n两份文件是同一篇讲话。", encoding="utf-8")
    data = json.loads(run(tmp_path / "001_f026a8722d11b28f.txt", "--against", tmp_path, "--json"))
    assert 0.39 <= data["total_copy_ratio"] <= 0.5
    assert {p["source"] for p in data["passages"]} == {"000_b14fbf4da3cb1feb.txt"}


def test_without_against_the_stored_documents_are_used():
    actions.do_index_texts([("讲话全文", SPEECH, "某范文网")], kind="template")
    before = (Document.objects.count(), Fingerprint.objects.count(), CheckResult.objects.count())
    data = json.loads(run(SEEDS / "000_b14fbf4da3cb1feb.txt", "--json"))
    assert data["max_single_source"]["source"] == "讲话全文"
    assert data["total_copy_ratio"] >= 0.95
    assert (Document.objects.count(), Fingerprint.objects.count(), CheckResult.objects.count()) == before


def test_the_human_summary_is_in_chinese():
    text = run(SEEDS / "001_f026a8722d11b28f.txt", "--against", SEEDS / "000_b14fbf4da3cb1feb.txt")
    assert "总文字复制比：39.83%" in text
    assert "单篇最大复制比：39.83%（000_b14fbf4da3cb1feb.txt）" in text
    assert "[引用]" in text and "[复制]" in text


def test_unreadable_input_is_a_command_error(tmp_path):
    (tmp_path / "坏.docx").write_bytes(b"not a docx")
    with pytest.raises(CommandError, match="不是有效的 Word 文档"):
        run(tmp_path / "坏.docx", "--json")
    with pytest.raises(CommandError, match="无法读取文件"):
        run(tmp_path / "没有这个文件.txt")
    (tmp_path / "空").mkdir()
    with pytest.raises(CommandError, match=r"没有 \.txt、\.docx 或 \.html 文件"):
        run(SEEDS / "000_b14fbf4da3cb1feb.txt", "--against", tmp_path / "空", "--json")


def test_import_corpus_command(tmp_path):
    shutil.copy(SEEDS / "001_f026a8722d11b28f.txt", tmp_path / "讲话.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "同一篇.txt").write_text(SPEECH.replace("\n", "\r\n"), encoding="gb18030")
    out = io.StringIO()
    call_command("import_corpus", str(tmp_path), "--kind", "template", "--author", "某范文网", stdout=out)
    assert "已入库 1 篇，合并重复 1 篇" in out.getvalue()
    (tmp_path / "坏.html").write_bytes(b"")
    with pytest.raises(CommandError, match="未导入任何文件"):
        call_command("import_corpus", str(tmp_path), stdout=io.StringIO(), stderr=io.StringIO())
    assert Document.objects.count() == 1
    (tmp_path / "空").mkdir()
    with pytest.raises(CommandError, match=r"没有 \.txt、\.docx 或 \.html 文件"):
        call_command("import_corpus", str(tmp_path / "空"), stdout=io.StringIO())
