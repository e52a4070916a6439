import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ORGANIZER = "organizer", "组织部管理员"
    COUNTY_LIAISON = "county_liaison", "县区联络员"
    TOWNSHIP_CLERK = "township_clerk", "乡镇填报员"
    CITY_LEADER = "city_leader", "市领导"


class User(AbstractUser):
    """A staff member. Liaisons and clerks are bound to the unit whose subtree they may see."""

    full_name = models.CharField("姓名", max_length=40, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CITY_LEADER)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # Set when the account is created or its password reset by an organizer: the first login
    # must choose a password of its own before anything else (accounts.middleware).
    must_change_password = models.BooleanField("须修改初始密码", default=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_organizer(self) -> bool:
        return self.role == Role.ORGANIZER or self.is_superuser

    @property
    def can_edit(self) -> bool:
        return self.is_active and (self.is_organizer or self.role != Role.CITY_LEADER)


class ApiTokenQuerySet(models.QuerySet):
    def lookup(self, plain: str):
        # Neither a disabled account's tokens nor those of one that must first change an initial
        # password (new, or reset by an organizer) open anything.
        return (
            self.filter(key_hash=ApiToken.hash(plain), user__is_active=True, user__must_change_password=False)
            .select_related("user")
            .first()
        )


class ApiToken(models.Model):
    """A bearer token for scripts; only its hash is stored, the plain key is shown once."""

    PREFIX = "pyt_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField("令牌前缀", max_length=12)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name}（{self.hint}…）"

    @staticmethod
    def hash(plain: str) -> str:
        return hashlib.sha256(plain.encode()).hexdigest()

    @classmethod
    def new_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(30)


class LoginFailureQuerySet(models.QuerySet):
    def recent(self, since):
        return self.filter(at__gte=since)


class LoginFailure(models.Model):
    """Failed logins, kept in the database so that every worker process sees them."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LoginFailureQuerySet.as_manager()

    def __str__(self):
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
