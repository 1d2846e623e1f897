#!/usr/bin/env bash
# The .deb, built by CPack from this build and installed into a clean root: its Depends come from
# dpkg-shlibdeps (one package per shared library kdiag links, each installed on this machine, the
# one it was built on), dpkg installs it into an empty root of its own (dpkg --root, maintainer
# scripts run without chroot: the root has no shell), and the kdiag it installed prints its
# version and the founding case's expected output for every line of corpus/founding-case/runs.
# With KDIAG_TEST_DPKG_INSTALL=1, as root (CI: a throwaway Debian 12), the package is also
# installed into the system with `dpkg -i`, run from /usr/bin, and purged.
#
#   tests/deb_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: $tool is not installed (dpkg-dev)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || {
  cat "$work/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$work"/out/kdiag_*.deb)
echo "built $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Depends: from dpkg-shlibdeps, so every library kdiag links is there, each satisfied here.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# The libraries kdiag links directly (NEEDED), each found where the loader finds it.
libs=$(ldd "$build/kdiag")
for soname in $(readelf -d "$build/kdiag" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  lib=$(printf '%s\n' "$libs" | awk -v s="$soname" '$1 == s { print $3 }')
  pkg=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null) || {
    bad "$soname ($lib) belongs to no package"; continue; }
  pkg=${pkg%%:*}
  case ", $depends," in
    *", $pkg "* | *", $pkg,"*) ;;
    *) bad "Depends lacks $pkg (for $soname)" ;;
  esac
done
IFS=',' read -ra deps <<<"$depends"
for d in "${deps[@]}"; do
  name=$(echo "$d" | awk '{ print $1 }')
  version=$(echo "$d" | sed -n 's/.*(>= \(.*\)).*/\1/p')
  have=$(dpkg-query -W -f='${Version}' "$name" 2>/dev/null) || { bad "$name is not installed"; continue; }
  [ -z "$version" ] || dpkg --compare-versions "$have" ge "$version" || bad "$name $have < $version"
done
contents=$(dpkg-deb -c "$deb")
grep -q ' ./usr/bin/kdiag$' <<<"$contents" || bad "no /usr/bin/kdiag in the package"
grep -q '/systemd/system/kdiag.service$' <<<"$contents" || bad "no kdiag.service in the package"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)" = /etc/logrotate.d/kdiag ] ||
  bad "conffiles"

# Install into a clean root: an empty dpkg database, no shell to chroot into.
root="$work/root"
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null \
  -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; bad "dpkg --root -i"; }
[ "$(dpkg --root="$root" -s kdiag 2>/dev/null | sed -n 's/^Status: //p')" = "install ok installed" ] ||
  bad "dpkg --root does not list kdiag as installed"

run_founding_case() {  # run_founding_case KDIAG: every corpus/founding-case/runs line
  local kdiag=$1 expected args n=0
  while read -r expected args; do
    case $expected in '#'* | '') continue ;; esac
    # shellcheck disable=SC2086  # the runs file's arguments are words
    if ! (cd "$src/corpus/founding-case" && "$kdiag" $args) >"$work/actual" 2>"$work/err"; then
      cat "$work/err"; bad "$kdiag $args: exit status"
    fi
    diff -u "$src/corpus/founding-case/expected/$expected" "$work/actual" || bad "$kdiag $args: output"
    n=$((n + 1))
  done <"$src/corpus/founding-case/runs"
  echo "$kdiag: founding case, $n runs"
  [ $n -gt 0 ] || bad "no founding-case runs"
}
version=$(sed -n 's/^Version: //p' <(dpkg-deb -f "$deb"))
[ "$("$root/usr/bin/kdiag" --version)" = "kdiag $version" ] || bad "--version from the package"
run_founding_case "$root/usr/bin/kdiag"

if [ "${KDIAG_TEST_DPKG_INSTALL:-0}" = 1 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    bad "KDIAG_TEST_DPKG_INSTALL=1 needs root"
  elif dpkg-query -W kdiag >/dev/null 2>&1; then
    bad "a kdiag package is already installed here; not replacing it"
  else
    dpkg -i "$deb" || bad "dpkg -i"
    [ "$(/usr/bin/kdiag --version)" = "kdiag $version" ] || bad "/usr/bin/kdiag --version"
    run_founding_case /usr/bin/kdiag
    man -w kdiag >/dev/null || bad "man -w kdiag"
    dpkg --purge kdiag || bad "dpkg --purge"
    [ ! -e /usr/bin/kdiag ] || bad "/usr/bin/kdiag left after purge"
  fi
else
  echo "SKIPPED: dpkg -i into this system (set KDIAG_TEST_DPKG_INSTALL=1 as root on a throwaway machine)"
fi
[ $fail -eq 0 ] && echo "deb: ok"
exit $fail
