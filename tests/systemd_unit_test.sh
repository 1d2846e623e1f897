#!/usr/bin/env bash
# The installed kdiag.service, through systemd's own checks: `systemd-analyze security
# --offline=true` rates its exposure (0 best, 10 worst) and must stay at or below 2.5, and
# `systemd-analyze verify` must accept it (known directives, executables present, the man page
# of Documentation= installed); and its KDIAG_CACHE_DIR must be a directory kdiag accepts in
# CacheDirectory='s DynamicUser= layout. Skipped loudly (exit 77) where systemd-analyze is missing
# or too old for --offline (systemd < 250).
#
#   tests/systemd_unit_test.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIPPED: systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi
if ! grep -q -- '--offline' <<<"$(systemd-analyze security --help)"; then
  echo "SKIPPED: systemd-analyze $(systemd-analyze --version | head -1) has no --offline"
  exit 77
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
DESTDIR="$root" cmake --install "$build" --prefix /usr >/dev/null
unit=$(find "$root" -name kdiag.service)
[ -f "$unit" ] || { echo "FAIL: no kdiag.service installed"; exit 1; }
fail=0

# The exposure score, as systemd-analyze prints it on its last line.
report=$(cd "$(dirname "$unit")" && systemd-analyze security --offline=true --no-pager ./kdiag.service 2>&1) || true
score=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for kdiag.service: \([0-9.]*\).*/\1/p')
if [ -z "$score" ]; then
  printf '%s\n' "$report"
  echo "FAIL: no exposure score"
  fail=1
elif awk -v s="$score" 'BEGIN { exit !(s > 2.5) }'; then
  printf '%s\n' "$report" | grep '✗'
  echo "FAIL: exposure $score > 2.5"
  fail=1
else
  echo "systemd-analyze security --offline=true: exposure $score (<= 2.5)"
fi

# verify, on this system's units (a unit is verified with what it depends on: sysinit.target, ...)
# and so with kdiag installed under a prefix of its own, which the unit then names: its ExecStart
# must exist and Documentation=man:kdiag(1) is looked up with MANPATH at the installed man page.
prefix="$root/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
out=$(MANPATH="$prefix/share/man" systemd-analyze verify "$prefix/lib/systemd/system/kdiag.service" 2>&1) || {
  printf '%s\n' "$out"; echo "FAIL: systemd-analyze verify"; fail=1; }
if [ -n "$out" ]; then
  printf '%s\n' "$out"
  echo "FAIL: systemd-analyze verify printed the warnings above"
  fail=1
else
  echo "systemd-analyze verify: no warning"
fi
# The compiled-rules cache in the unit's CacheDirectory=: with DynamicUser=, systemd makes
# /var/cache/NAME a symbolic link to private/NAME, which kdiag refuses as a cache directory, so
# KDIAG_CACHE_DIR must name a directory below it. The same layout in a scratch directory: the
# unit's cache directory must get an entry, and the link itself must be refused (or this check
# proves nothing).
cache_name=$(sed -n 's/^CacheDirectory=//p' "$unit")
cache_env=$(sed -n 's/^Environment=KDIAG_CACHE_DIR=//p' "$unit")
grep -q '^DynamicUser=yes' "$unit" || { echo "FAIL: no DynamicUser=yes"; fail=1; }
case $cache_env in
  "/var/cache/$cache_name/"?*)
    sub=${cache_env#/var/cache/$cache_name/}
    mkdir -p "$root/cache/private/$cache_name"
    chmod 0700 "$root/cache/private"
    ln -s "private/$cache_name" "$root/cache/$cache_name"
    log="$root/kern.log"
    echo '[    1.000000] Linux version 6.1.0' >"$log"
    KDIAG_CACHE_DIR="$root/cache/$cache_name/$sub" "$build/kdiag" "$log" >/dev/null
    ls "$root/cache/private/$cache_name/$sub"/*.hsdb >/dev/null 2>&1 ||
      { echo "FAIL: no compiled rules in $cache_env's counterpart"; fail=1; }
    KDIAG_CACHE_DIR="$root/cache/$cache_name" "$build/kdiag" "$log" >/dev/null
    ls "$root/cache/private/$cache_name"/*.hsdb >/dev/null 2>&1 &&
      { echo "FAIL: kdiag used the symbolic link /var/cache/$cache_name as its cache"; fail=1; }
    echo "cache: $cache_env gets the compiled rules under DynamicUser='s layout"
    ;;
  *)
    echo "FAIL: Environment=KDIAG_CACHE_DIR=$cache_env is not below CacheDirectory=$cache_name"
    fail=1
    ;;
esac
[ $fail -eq 0 ] && echo "systemd unit: ok"
exit $fail
