"""大字 on the evaluator's pages: the phone keeps the choice, the server keeps nothing."""

from django.test import Client
from django.urls import reverse

from pingyi.ballots import codes

from .conftest import good_ratings


def test_the_larger_type_is_kept_on_the_phone_and_draws_every_next_page_large(voting):
    phone = Client()
    chosen = phone.get(reverse("vote"), {"text": "large"})
    assert chosen.cookies["pingyi_text"].value == "large"
    assert '<html lang="zh-CN" class="large-text">' in chosen.content.decode()
    assert 'aria-pressed="true"' in chosen.content.decode()
    code = voting.codes["public"][0]
    ballot = phone.post(reverse("vote"), {"step": "open", "code": code}).content.decode()
    assert 'class="large-text"' in ballot
    # Submitting sets no cookie of its own: the choice is all the phone holds.
    receipt = codes.new_receipt()
    fields = {f"r-{key}-{c}": level for key, row in good_ratings().items() for c, level in row.items()}
    done = phone.post(reverse("vote"), {"step": "submit", "code": code, "receipt": receipt,
                                        "signature": codes.receipt_signature(code, receipt), **fields})  # fmt: skip
    assert "您的回执码" in done.content.decode() and not done.cookies
    assert 'class="large-text"' in done.content.decode()

    back = phone.get(reverse("vote"), {"text": "normal"})
    assert back.cookies["pingyi_text"].value == "" and "large-text" not in back.content.decode()
    assert "large-text" not in Client().get(reverse("vote")).content.decode()  # another phone
