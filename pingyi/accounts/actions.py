import datetime as dt
import re
import string
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pingyi.audit.actions import record
from pingyi.audit.models import Action, register_actions
from pingyi.lib.errors import DomainError, RoleCannot
from pingyi.org.models import Unit

from . import passwords
from .models import ApiToken, LoginFailure, Role, User


def _window_start():
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def login_key(username: str) -> str:
    """The name failures are counted under: as the login form reads it (NFKC, so `ｌeader` and
    `𝐥eader` are `leader`), and without case, so no spelling of one account escapes its count."""
    name = unicodedata.normalize("NFKC", username.strip()[:150]).strip()
    return name.casefold()[:150]


def login_locked(username: str, ip: str | None) -> bool:
    """Too many recent failures for this name, or (four times as many) from this address."""
    recent = LoginFailure.objects.recent(_window_start())
    limit = settings.LOGIN_MAX_FAILURES
    if recent.filter(username=login_key(username)).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= 4 * limit


def do_login_failed(request, username: str, ip: str | None):
    LoginFailure.objects.create(username=login_key(username), ip=ip)
    record(Action.LOGIN_FAILED, request=request, target=username, summary="用户名或密码错误")


def do_login_succeeded(request, user):
    # Clears the count for the name, so a typo before success does not add up.
    LoginFailure.objects.filter(Q(username=login_key(user.get_username()))).delete()
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    record(Action.LOGIN, request=request, user=user)


def do_create_token(user, name: str, request=None) -> tuple[ApiToken, str]:
    plain = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash(plain), hint=plain[:10])
        record(Action.TOKEN_CREATE, request=request, user=user, target=name, summary=token.hint + "…")
    return token, plain


def do_revoke_token(token: ApiToken, user, request=None):
    with transaction.atomic():
        record(Action.TOKEN_REVOKE, request=request, user=user, target=token.name, summary=token.hint + "…")
        token.delete()


def touch_token(token: ApiToken):
    """Record use at most once a minute, so scripts do not write on every call."""
    now = timezone.now()
    if not token.last_used_at or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# Accounts: every change by an organizer goes through here, audited with the old and new values.

register_actions(
    {
        "account_create": "新建账号",
        "account_edit": "修改账号",
        "account_disable": "停用账号",
        "account_enable": "启用账号",
        "account_reset": "重置密码",
        "password_change": "修改密码",
    }
)

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,149}$")
AUDITED = {"username": "用户名", "full_name": "姓名", "role": "角色", "unit": "所属单位", "is_active": "状态"}


class AccountError(DomainError):
    """An account change refused for its input; str(e) names the field and the reason."""

    status = 400


@dataclass(frozen=True)
class Issued:
    """An account with the password just set for it, to be printed once and never stored."""

    user: User
    password: str


def _require(condition: bool, message: str):
    if not condition:
        raise AccountError(message)


def _organizer(user):
    if user is None or not user.is_organizer:
        raise RoleCannot("仅组织部管理员可以管理账号")


def _values(account: User) -> dict:
    return {
        "username": account.username,
        "full_name": account.full_name,
        "role": account.get_role_display(),
        "unit": f"{account.unit.code} {account.unit.name}" if account.unit_id else "全市",
        "is_active": "启用" if account.is_active else "停用",
    }


def clean_username(username: str) -> str:
    """As the login form reads it (NFKC, trimmed), and checked: letters, digits and ._@+-."""
    name = unicodedata.normalize("NFKC", (username or "").strip())
    _require(bool(name), "用户名：不能为空")
    _require(
        bool(USERNAME_RE.match(name)),
        f"用户名「{name}」：只能使用英文字母、数字和 . _ @ + -，以字母或数字开头，2–150 个字符",
    )
    return name


def check_role_unit(role: str, unit: Unit | None) -> Unit | None:
    """The unit the access rules expect of the role: none for city-wide roles, a county-level unit
    for a liaison, a township-level unit for a clerk. Returns the unit to store."""
    _require(role in Role.values, f"角色：「{role}」不是有效的角色")
    if role in (Role.ORGANIZER, Role.CITY_LEADER):
        return None
    label = Role(role).label
    if role == Role.COUNTY_LIAISON:
        _require(unit is not None and unit.is_county, f"所属单位：{label}须属于一个县（市、区）")
    else:
        _require(unit is not None and unit.is_township, f"所属单位：{label}须属于一个乡镇（街道）")
    return unit


def _check_free(username: str, exclude: int | None = None):
    # Case-insensitive, as the lockout counts: `Leader` and `leader` are one name to a person.
    taken = User.objects.filter(username__iexact=username).exclude(pk=exclude)
    _require(not taken.exists(), f"用户名「{username}」已被使用")


def do_create_user(
    *, user, username: str, role: str, unit: Unit | None = None, full_name: str = "", request=None
) -> Issued:
    """A new account with a random initial password, to be changed at its first login."""
    _organizer(user)
    username = clean_username(username)
    unit = check_role_unit(role, unit)
    password = passwords.initial_password()
    with transaction.atomic():
        _check_free(username)
        account = User(username=username, full_name=full_name.strip()[:40], role=role, unit=unit)
        account.password = passwords.hash_initial(password)
        account.must_change_password = True
        account.save()
        record(
            "account_create", request=request, user=user, target=username,
            summary=f"{account.get_role_display()} {_values(account)['unit']}",
            detail={"new": _values(account)},
        )  # fmt: skip
    return Issued(account, password)


def do_update_user(account: User, *, user, request=None, **changes) -> User:
    """Change name, role, unit or username; the audit log keeps every old and new value."""
    _organizer(user)
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        before = _values(account)
        if "username" in changes:
            username = clean_username(changes["username"])
            _check_free(username, exclude=account.pk)
            account.username = username
        if "full_name" in changes:
            account.full_name = (changes["full_name"] or "").strip()[:40]
        role = changes.get("role", account.role)
        unit = changes.get("unit", account.unit)
        if account.pk == user.pk:
            _require(role == account.role, "不能修改自己的角色（请由另一位组织部管理员修改）")
        account.role, account.unit = role, check_role_unit(role, unit)
        account.save()
        after = _values(account)
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if changed:
            record(
                "account_edit", request=request, user=user, target=account.username,
                summary="；".join(f"{AUDITED[k]}：{old or '—'} → {new or '—'}" for k, (old, new) in changed.items())[:500],
                detail={"old": {k: v[0] for k, v in changed.items()}, "new": {k: v[1] for k, v in changed.items()}},
            )  # fmt: skip
    return account


def do_set_active(account: User, *, user, active: bool, request=None) -> User:
    """Disable (never delete: the audit log keeps the name) or enable again. A disabled account's
    sessions end at its next request and its API tokens stop working (ModelBackend and
    ApiToken.lookup refuse inactive users)."""
    _organizer(user)
    _require(active or account.pk != user.pk, "不能停用自己的账号")
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.is_active == active:
            return account
        account.is_active = active
        account.save(update_fields=["is_active"])
        state = ["停用", "启用"] if active else ["启用", "停用"]
        record(
            "account_enable" if active else "account_disable", request=request, user=user,
            target=account.username, summary=f"{state[0]} → {state[1]}",
            detail={"old": {"is_active": state[0]}, "new": {"is_active": state[1]}},
        )  # fmt: skip
    return account


def do_reset_password(account: User, *, user, request=None) -> Issued:
    """A new random password, to be changed at the next login; every session of the account ends
    (its session hash changes with the password)."""
    _organizer(user)
    password = passwords.initial_password()
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        account.set_password(password)
        account.must_change_password = True
        account.save(update_fields=["password", "must_change_password"])
        record(
            "account_reset",
            request=request,
            user=user,
            target=account.username,
            summary="已重置为随机初始密码",
        )
    return Issued(account, password)


def do_change_password(account: User, *, user, new_password: str, request=None) -> User:
    """The user's own new password (checked by the validators, the old one by the form). Other
    sessions of the account end; the view keeps the current one with a new key."""
    _require(user is not None and user.pk == account.pk, "只能修改本人的密码")
    try:
        password_validation.validate_password(new_password, account)
    except ValidationError as exc:
        raise AccountError("新密码：" + "".join(exc.messages)) from None
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        _require(not account.check_password(new_password), "新密码：不能与原密码相同")
        account.set_password(new_password)
        account.must_change_password = False
        account.save(update_fields=["password", "must_change_password"])
        record("password_change", request=request, user=account, target=account.username)
    return account


# Bulk creation from the unit tree.

DEFAULT_PATTERN = "{code}"
PATTERN_FIELDS = {"code", "short", "kind"}
KIND_PREFIX = {Role.TOWNSHIP_CLERK: "xz", Role.COUNTY_LIAISON: "qx"}


def short_code(code: str) -> str:
    """The 区划代码 without its trailing all-zero levels: 379901000000 → 379901, 379901101000 → 379901101."""
    while len(code) > 6 and code.endswith("000"):
        code = code[:-3]
    return code


def username_for(pattern: str, unit: Unit, role: str) -> str:
    return pattern.format(code=unit.code, short=short_code(unit.code), kind=KIND_PREFIX[role])


def check_pattern(pattern: str) -> str:
    pattern = (pattern or DEFAULT_PATTERN).strip()
    try:
        parts = [
            (name, spec, conversion) for _text, name, spec, conversion in string.Formatter().parse(pattern)
        ]
    except ValueError:
        parts = [("?", "", None)]
    fields = {name for name, _spec, _conversion in parts if name is not None}
    # No format spec or conversion: "{code:>999999999}" would build a gigabyte of name.
    plain = all(not spec and conversion is None for name, spec, conversion in parts if name is not None)
    fields = fields if plain else {"?"}
    _require(
        fields <= PATTERN_FIELDS and bool(fields & {"code", "short"}),
        f"用户名规则「{pattern}」：须含 {{code}}（区划代码）或 {{short}}（去掉末尾零的区划代码），"
        "可含 {kind}（乡镇为 xz，县区为 qx），其余为字母、数字或 . _ @ + -",
    )
    return pattern


def missing_accounts(root: Unit | None = None) -> list[tuple[Unit, str]]:
    """(unit, role) for every township-level unit without an active 乡镇填报员 and every county-level
    unit without an active 县区联络员, in the order of the unit tree."""
    units = Unit.objects.all() if root is None else Unit.objects.within(root)
    covered = set(
        User.objects.filter(is_active=True, role__in=KIND_PREFIX, unit__isnull=False).values_list(
            "unit_id", "role"
        )
    )
    wanted = []
    for unit in units.order_by("path"):
        role = Role.TOWNSHIP_CLERK if unit.is_township else Role.COUNTY_LIAISON if unit.is_county else None
        if role and (unit.pk, role) not in covered:
            wanted.append((unit, role))
    return wanted


def do_create_for_units(*, user, pattern: str = DEFAULT_PATTERN, request=None) -> list[Issued]:
    """One 乡镇填报员 per township-level unit and one 县区联络员 per county-level unit that has none,
    usernames from the pattern, random initial passwords. All or nothing: a name that is taken or
    not allowed refuses the whole batch, naming every such unit."""
    _organizer(user)
    pattern = check_pattern(pattern)
    with transaction.atomic():
        wanted = missing_accounts()
        names, problems = {}, []
        for unit, role in wanted:
            name = unicodedata.normalize("NFKC", username_for(pattern, unit, role))
            if not USERNAME_RE.match(name):
                problems.append(f"{unit.name}（{unit.code}）：用户名「{name}」含有不允许的字符")
            elif name.casefold() in names:
                problems.append(f"{unit.name}（{unit.code}）：用户名「{name}」与{names[name.casefold()]}重复")
            names[name.casefold()] = unit.name
        # Case-insensitive, as _check_free: a city has hundreds of accounts, not millions.
        existing = {
            u.casefold(): (u, active) for u, active in User.objects.values_list("username", "is_active")
        }
        for key in names:
            if key in existing:
                name, active = existing[key]
                whose = "已被使用" if active else "属于一个已停用的账号（可在账号管理中启用并重置密码）"
                problems.append(f"{names[key]}：用户名「{name}」{whose}")
        _require(not problems, "未创建任何账号：" + "；".join(problems))
        issued = []
        for unit, role in wanted:
            password = passwords.initial_password()
            account = User(
                username=unicodedata.normalize("NFKC", username_for(pattern, unit, role)), role=role, unit=unit,
                password=passwords.hash_initial(password), must_change_password=True,
            )  # fmt: skip
            issued.append(Issued(account, password))
        User.objects.bulk_create([i.user for i in issued])
        stored = User.objects.select_related("unit").in_bulk(
            [i.user.username for i in issued], field_name="username"
        )
        issued = [Issued(stored[i.user.username], i.password) for i in issued]
        for i in issued:
            record(
                "account_create", request=request, user=user, target=i.user.username,
                summary=f"批量创建：{i.user.get_role_display()} {_values(i.user)['unit']}",
                detail={"new": _values(i.user), "pattern": pattern},
            )  # fmt: skip
    return issued


class AccountImportError(AccountError):
    """The import refused; `problems` names the sheet, row, column and reason of each."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def _units_by_label() -> dict[str, Unit | None]:
    """区划代码, qualified name and (when unique) plain name → unit; None marks an ambiguous name."""
    labels: dict[str, Unit | None] = {}
    for unit in Unit.objects.select_related("parent"):
        labels[unit.code] = unit
        labels[unit.qualified_name()] = unit
        labels[unit.name] = None if unit.name in labels else unit
    return labels


def do_import_users(rows: list, *, user, problems: list[str] = (), request=None) -> list[Issued]:
    """Accounts from the import workbook's rows (workbook.read_accounts): every one or none. The
    reader's `problems` and those found against the database are reported together, by row."""
    from .workbook import ROLE, SHEET, UNIT, USERNAME, problem

    _organizer(user)
    problems = list(problems)
    labels = _units_by_label()
    existing = {u.casefold() for u in User.objects.values_list("username", flat=True)}
    planned = []
    for row in rows:
        unit = None
        if row.unit:
            unit = labels.get(row.unit)
            if unit is None:
                reason = (
                    "单位名称重复，请写作“上级单位/单位”或填区划代码"
                    if row.unit in labels
                    else "找不到该单位"
                )
                problems.append(problem(row.row, UNIT, f"「{row.unit}」{reason}"))
                continue
        if row.username.casefold() in existing:
            problems.append(problem(row.row, USERNAME, f"「{row.username}」已被使用"))
        if not row.role:
            continue  # the reader has said so
        try:
            unit = check_role_unit(row.role, unit)
        except AccountError as exc:
            problems.append(
                problem(row.row, UNIT if "所属单位" in str(exc) else ROLE, str(exc).split("：", 1)[-1])
            )
        planned.append((row, unit))
    if problems:
        by_row = re.compile(r"第(\d+)行")
        raise AccountImportError(sorted(problems, key=lambda p: int(by_row.search(p).group(1))))
    _require(bool(planned), f"工作表「{SHEET}」中没有账号")
    with transaction.atomic():
        issued = [
            do_create_user(
                user=user,
                username=row.username,
                role=row.role,
                unit=unit,
                full_name=row.full_name,
                request=request,
            )
            for row, unit in planned
        ]
    return issued
