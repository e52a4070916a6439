"""One-time ballot codes and receipts.

Codes use 32 symbols without look-alikes (no 0/O, 1/I), 16 of them: 80 bits,
printed in groups of four. Only a keyed hash is stored, so a copy of the
database does not let anyone test guesses offline without the server's secret.
"""

import hashlib
import hmac
import re
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16  # 16 × 5 bits = 80 bits
RECEIPT_LENGTH = 8


class CodeError(ValueError):
    """str(e) is a Chinese reason for the person typing the code."""


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def grouped(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def new_code() -> str:
    return grouped(_random(CODE_LENGTH))


def new_receipt() -> str:
    return grouped(_random(RECEIPT_LENGTH))


def normalize(typed: str) -> str:
    """What a person typed → the bare code, or CodeError saying what is wrong."""
    raw = re.sub(r"[\s\-－—_·.]", "", typed or "").upper()
    if not raw:
        raise CodeError("请输入测评凭证上的凭证码")
    wrong = sorted({c for c in raw if c not in ALPHABET})
    if wrong:
        hint = "（凭证码中没有数字0、1和字母O、I）" if set(wrong) & set("01OI") else ""
        raise CodeError(f"凭证码中不应有「{''.join(wrong)}」{hint}")
    if len(raw) != CODE_LENGTH:
        raise CodeError(f"凭证码应为{CODE_LENGTH}位（4组、每组4位），您输入了{len(raw)}位")
    return raw


def _key(purpose: bytes) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), purpose, hashlib.sha256).digest()


def code_hash(code: str) -> str:
    return hmac.new(_key(b"ballot-code"), normalize(code).encode(), hashlib.sha256).hexdigest()


def receipt_signature(code: str, receipt: str) -> str:
    """Binds the receipt offered on the confirmation page to that code, so it cannot be forged."""
    message = f"{normalize(code)}:{receipt}".encode()
    return hmac.new(_key(b"ballot-receipt"), message, hashlib.sha256).hexdigest()[:32]
