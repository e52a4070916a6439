"""Password rules (AUTH_PASSWORD_VALIDATORS), worded in Chinese whatever the locale of the caller
(a page, the API or a command), and the random initial passwords organizers hand out."""

import secrets

from django.contrib.auth import password_validation as django_validation
from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.core.exceptions import ValidationError

MIN_LENGTH = 10
# No 0/O, 1/l/I: an initial password is read off a printed slip and typed in by hand.
ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def initial_password() -> str:
    """12 characters in three groups (`Abc3-dEf4-Gh5k`), always with letters and digits."""
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
        if any(c.isdigit() for c in raw) and any(c.isalpha() for c in raw):
            return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


class MinimumLengthValidator:
    def __init__(self, min_length: int = MIN_LENGTH):
        self.min_length = min_length

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短：至少需要 {self.min_length} 个字符。", code="password_too_short")

    def get_help_text(self):
        return f"至少 {self.min_length} 个字符"


class LettersAndDigitsValidator:
    def validate(self, password, user=None):
        if not (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)):
            raise ValidationError("密码须同时包含字母和数字。", code="password_letters_digits")

    def get_help_text(self):
        return "同时包含字母和数字"


class _Reworded:
    """One of Django's validators with its message in Chinese."""

    base: type
    message = ""
    help_text = ""

    def __init__(self, **options):
        self.inner = self.base(**options)

    def validate(self, password, user=None):
        try:
            self.inner.validate(password, user)
        except ValidationError as exc:
            raise ValidationError(self.message, code=exc.error_list[0].code) from None

    def get_help_text(self):
        return self.help_text


class UserAttributeSimilarityValidator(_Reworded):
    base = django_validation.UserAttributeSimilarityValidator
    message = "密码与用户名或姓名过于相似。"
    help_text = "不能与用户名或姓名相似"


class CommonPasswordValidator(_Reworded):
    base = django_validation.CommonPasswordValidator
    message = "密码过于常见，容易被猜中，请换一个。"
    help_text = "不能是常见密码"


# An initial password is random (12 of 55 characters, about 69 bits) and must be changed at the first
# login, where Django rehashes it at the full work factor. Hashing it at the full 1,000,000 PBKDF2
# iterations would take about 35 s for a city's 90 accounts, past the web worker's timeout.
INITIAL_ITERATIONS = 20_000


def hash_initial(password: str) -> str:
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=INITIAL_ITERATIONS)
    return make_password(password)
