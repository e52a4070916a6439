"""Account management over the API: the same actions and rules as the pages, organizers only.

An initial password appears once, in the answer to the call that set it (create, reset, bulk)."""

from typing import Annotated

import pydantic
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from pingyi.org.models import Unit

from . import actions
from .access import require_organizer
from .models import Role, User

router = Router(tags=["账号管理"])

# Bounded as the database's integers are: a longer id is a 422, not an overflow.
Id = Annotated[int, pydantic.Field(ge=1, le=2**63 - 1)]


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    unit_id: int | None
    unit_code: str | None
    unit_name: str | None
    is_active: bool
    must_change_password: bool

    @staticmethod
    def resolve_role_label(obj):
        return obj.get_role_display()

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code if obj.unit_id else None

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name if obj.unit_id else None


class IssuedOut(Schema):
    user: UserOut
    password: str = Field(description="初始密码：只在本次应答中出现，首次登录时须修改")


USERNAME = r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{1,149}$"
# {code} or {short} at least once, {kind} at will, between letters, digits and . _ @ + -
PATTERN = (
    r"^[A-Za-z0-9_.@+-]*(\{kind\}[A-Za-z0-9_.@+-]*)*\{(code|short)\}[A-Za-z0-9_.@+-]*"
    r"(\{(code|short|kind)\}[A-Za-z0-9_.@+-]*)*$"
)


class UserIn(Schema):
    username: str = Field(max_length=150, pattern=USERNAME, description="英文字母、数字和 . _ @ + -")
    role: Role
    unit_code: str | None = Field(
        None, pattern=r"^[0-9]{12}$", description="所属单位的区划代码（12位）；组织部管理员、市领导不填"
    )
    full_name: str = Field("", max_length=40)


class UserPatch(Schema):
    username: str | None = Field(None, max_length=150, pattern=USERNAME)
    role: Role | None = None
    unit_code: str | None = Field(
        None, pattern=r"^([0-9]{12})?$", description="12位区划代码；空字符串表示全市"
    )
    full_name: str | None = Field(None, max_length=40)


class BulkIn(Schema):
    pattern: str = Field(
        actions.DEFAULT_PATTERN,
        max_length=60,
        pattern=PATTERN,
        description="用户名规则：{code}、{short}、{kind}",
    )


def _unit(code: str | None) -> Unit | None:
    if not code:
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise actions.AccountError(f"所属单位：找不到区划代码为 {code} 的单位")
    return unit


def _user(user_id: int) -> User:
    return get_object_or_404(User.objects.select_related("unit"), pk=user_id)


@router.get("/users", response=list[UserOut], summary="账号列表")
def list_users(request: HttpRequest):
    require_organizer(request.user)
    return User.objects.select_related("unit").order_by("role", "unit__path", "username")


@router.post(
    "/users", response={201: IssuedOut}, summary="新建账号", description="返回随机初始密码（只此一次）。"
)
def create_user(request: HttpRequest, payload: UserIn):
    require_organizer(request.user)
    issued = actions.do_create_user(
        user=request.user,
        username=payload.username,
        role=payload.role,
        unit=_unit(payload.unit_code),
        full_name=payload.full_name,
        request=request,
    )
    return Status(201, issued)


@router.patch("/users/{int:user_id}", response=UserOut, summary="修改账号（姓名、角色、所属单位、用户名）")
def update_user(request: HttpRequest, user_id: Id, payload: UserPatch):
    require_organizer(request.user)
    changes = payload.dict(exclude_unset=True)
    if "unit_code" in changes:
        changes["unit"] = _unit(changes.pop("unit_code"))
    return actions.do_update_user(_user(user_id), user=request.user, request=request, **changes)


@router.post("/users/{int:user_id}/disable", response=UserOut, summary="停用账号（不删除）")
def disable_user(request: HttpRequest, user_id: Id):
    require_organizer(request.user)
    return actions.do_set_active(_user(user_id), user=request.user, active=False, request=request)


@router.post("/users/{int:user_id}/enable", response=UserOut, summary="启用账号")
def enable_user(request: HttpRequest, user_id: Id):
    require_organizer(request.user)
    return actions.do_set_active(_user(user_id), user=request.user, active=True, request=request)


@router.post("/users/{int:user_id}/reset-password", response=IssuedOut, summary="重置密码")
def reset_password(request: HttpRequest, user_id: Id):
    require_organizer(request.user)
    return actions.do_reset_password(_user(user_id), user=request.user, request=request)


@router.post(
    "/users/bulk",
    response={201: list[IssuedOut]},
    summary="按单位批量创建账号",
    description="每个没有账号的乡镇（街道）一个乡镇填报员、每个县（市、区）一个县区联络员；全部创建或全部不创建。",
)
def bulk_create(request: HttpRequest, payload: BulkIn):
    require_organizer(request.user)
    return Status(
        201, actions.do_create_for_units(user=request.user, pattern=payload.pattern, request=request)
    )
