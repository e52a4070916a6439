import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand

from pingyi.accounts.models import Role, User
from pingyi.lib import demo_clock, xlsx
from pingyi.org.actions import do_import_roster
from pingyi.org.demo_data import build_demo_city
from pingyi.org.demo_lrmx import demo_lrmx_files
from pingyi.org.models import Unit
from pingyi.org.readers.lrmx import pack
from pingyi.org.roster import CADRE_COLUMNS, CADRE_SHEET, UNIT_COLUMNS, UNIT_SHEET

DEMO_PASSWORD = "pingyi-demo"


def demo_workbook() -> bytes:
    """The demo city as a roster workbook, so it enters through the same door as real data.

    Its dates are moved to today (lib/demo_clock), so ages and tenures read as when it was written."""
    units, cadres = build_demo_city(months_later=demo_clock.months_later())
    return xlsx.write_workbook(
        [
            xlsx.SheetSpec(UNIT_SHEET, UNIT_COLUMNS, [[r.get(c.name) for c in UNIT_COLUMNS] for r in units]),
            xlsx.SheetSpec(
                CADRE_SHEET, CADRE_COLUMNS, [[r.get(c.name) for c in CADRE_COLUMNS] for r in cadres]
            ),
        ]
    )


def demo_users() -> list[tuple[str, str, str, Unit | None]]:
    county = Unit.objects.counties().order_by("code").first()
    township = Unit.objects.townships().within(county).order_by("code").first() if county else None
    return [
        ("zzb", "组织部管理员（演示）", Role.ORGANIZER, None),
        ("leader", "市领导（演示）", Role.CITY_LEADER, None),
        ("liaison", f"{county.name if county else ''}联络员（演示）", Role.COUNTY_LIAISON, county),
        ("clerk", f"{township.name if township else ''}填报员（演示）", Role.TOWNSHIP_CLERK, township),
    ]


def app_demo_loaders():
    """Each pingyi app may ship `demo.py` with `load(stdout)`; run in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if config.name.startswith("pingyi.") and config.name != "pingyi.org":
            module = f"{config.name}.demo"
            if importlib.util.find_spec(module):
                yield importlib.import_module(module).load


class Command(BaseCommand):
    help = "载入演示数据：虚构的示例市及其干部名册、各角色演示账号等（可重复运行，结果相同）。"

    def handle(self, *args, **options):
        plan = do_import_roster(demo_workbook(), None, filename="示例市演示数据.xlsx")
        for sheet, c in plan.counts().items():
            self.stdout.write(f"{sheet}：新增 {c['new']}，修改 {c['changed']}，未变 {c['unchanged']}")
        users = demo_users()
        township = users[-1][3]
        if township is not None:
            # A few records arrive as 任免审批表 files (photos, family), as real ones do.
            nearby = Unit.objects.townships().filter(parent=township.parent_id).order_by("code")[:2]
            files = demo_lrmx_files(list(nearby))
            c = do_import_roster(pack(files), None, filename="示例任免审批表.zip").counts()["干部名册"]
            self.stdout.write(f"任免审批表 {len(files)} 份：修改 {c['changed']}，未变 {c['unchanged']}")
        for username, full_name, role, unit in users:
            user, _ = User.objects.get_or_create(username=username)
            user.full_name, user.role, user.unit = full_name, role, unit
            user.is_staff = user.is_superuser = False
            user.set_password(DEMO_PASSWORD)
            user.save()
        for load in app_demo_loaders():
            load(self.stdout)
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, _full_name, role, unit in users:
            self.stdout.write(f"  {username:8} {Role(role).label}{'（' + unit.name + '）' if unit else ''}")
