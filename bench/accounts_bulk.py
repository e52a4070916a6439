"""Bulk creation of a city's accounts in one request, with the production password hasher; print JSON.

    .venv/bin/python bench/accounts_bulk.py [--townships 80] [--counties 7] [--database-url URL]

A city of ~80 townships in ~7 counties gets one 乡镇填报员 per township and one 县区联络员 per county
(accounts.actions.do_create_for_units), then the slips PDF and the workbook are made. Target: the whole
step within 10 s on a 2-core machine, far inside gunicorn's 30 s timeout. For comparison, the time one
password takes at Django's full PBKDF2 work factor, which 87 of them would need one after another.
The database is a new SQLite file unless --database-url names another.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET = 10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--townships", type=int, default=80)
    parser.add_argument("--counties", type=int, default=7)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="pingyi-bench-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings.dev")
    if args.database_url:
        from benchlib import ensure_pg_database

        ensure_pg_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command

    from pingyi.accounts import actions, credentials
    from pingyi.accounts.models import Role, User
    from pingyi.org.models import Unit

    call_command("flush" if args.database_url else "migrate", interactive=False, verbosity=0)
    if args.database_url:
        call_command("migrate", verbosity=0)
    city = Unit.objects.create(code="379900000000", name="示例市", kind="市", path="379900000000/")
    for c in range(1, args.counties + 1):
        code = f"3799{c:02d}000000"
        county = Unit.objects.create(
            code=code, name=f"第{c}县", kind="县", parent=city, path=f"{city.path}{code}/"
        )
        for t in range(1, args.townships // args.counties + (c <= args.townships % args.counties) + 1):
            code = f"3799{c:02d}{100 + t:03d}000"
            Unit.objects.create(
                code=code, name=f"第{c}县第{t}镇", kind="镇", parent=county, path=f"{county.path}{code}/"
            )
    organizer = User.objects.create_user("organizer", password="x", role=Role.ORGANIZER)

    t0 = time.perf_counter()
    issued = actions.do_create_for_units(user=organizer, pattern="{kind}{short}")
    create = time.perf_counter() - t0
    t1 = time.perf_counter()
    pdf = credentials.slips_pdf(issued, login_url="https://pingyi.example.gov.cn/login/", organization="示例")
    workbook = credentials.workbook(issued)
    files = time.perf_counter() - t1
    hasher = get_hasher("default")
    t2 = time.perf_counter()
    hasher.encode("Abc3-dEf4-Gh5k", hasher.salt())
    full = time.perf_counter() - t2
    total = create + files
    print(
        json.dumps(
            {
                "bench": "accounts_bulk",
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "hasher": hasher.algorithm,
                "accounts": len(issued),
                "create_seconds": round(create, 3),
                "slips_and_workbook_seconds": round(files, 3),
                "total_seconds": round(total, 3),
                "pdf_bytes": len(pdf),
                "workbook_bytes": len(workbook),
                "one_password_at_full_work_factor_seconds": round(full, 3),
                "all_at_full_work_factor_estimate_seconds": round(full * len(issued), 1),
                "target_seconds": TARGET,
                "ok": total <= TARGET,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
