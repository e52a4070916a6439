#!/usr/bin/env bash
# What the tests need from the machine, installed or started when missing:
# Debian's chromium (Playwright drives it; no browser download), CJK fonts
# (screenshots and PDFs show Chinese), faketime (the suite at far dates) and a running PostgreSQL.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# Read the list once: `fc-list | grep -q` would fail under pipefail when grep exits early.
fonts=$(fc-list : family 2>/dev/null || true)
grep -qi "WenQuanYi Zen Hei" <<<"$fonts" || missing+=(fonts-wqy-zenhei)
grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v faketime >/dev/null || missing+=(faketime)
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -z "${DATABASE_URL:-}" ] && command -v pg_isready >/dev/null; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    echo "Starting the local PostgreSQL server"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
