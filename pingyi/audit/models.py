from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGIN_LOCKED = "login_locked", "登录被锁定"
    LOGOUT = "logout", "退出"
    ROSTER_IMPORT = "roster_import", "导入干部名册"
    ROSTER_EXPORT = "roster_export", "导出干部名册"
    CADRE_EDIT = "cadre_edit", "修改干部信息"
    UNIT_EDIT = "unit_edit", "修改单位信息"
    TOKEN_CREATE = "token_create", "创建 API 令牌"
    TOKEN_REVOKE = "token_revoke", "吊销 API 令牌"


# Apps add their own actions with `register_actions`, so that a new action needs no
# migration of this app (choices on the field would).
ACTION_LABELS: dict[str, str] = dict(Action.choices)


def register_actions(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


class AuditEventQuerySet(models.QuerySet):
    def for_action(self, action: str):
        return self.filter(action=action) if action else self


class AuditEvent(models.Model):
    """Who did what, when. Written by `audit.actions.record`, never edited."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the record survives the account being deleted or renamed.
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=30, db_index=True)
    target = models.CharField("对象", max_length=200, blank=True)
    summary = models.CharField("摘要", max_length=500, blank=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action_label}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)
