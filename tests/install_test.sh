#!/usr/bin/env bash
# `cmake --install` into a scratch root, checked file by file: what is installed where, that no
# installed file names /usr/local when the prefix is /usr, that the man page is valid roff with
# an EXIT STATUS table, that every long option of `kdiag --help` is documented in the man page
# (as a .TP item) and offered by each shell completion, and that the completions parse in their
# shells (bash always; zsh and fish when installed, skipped loudly otherwise), and that rsyslogd
# and logrotate accept the configurations for them.
#
#   tests/install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
src=$(realpath "$2")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

DESTDIR="$root" cmake --install "$build" --prefix /usr >"$root.log" 2>&1 || {
  cat "$root.log"; rm -f "$root.log"; echo "FAIL: cmake --install"; exit 1; }
rm -f "$root.log"

unit_dir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /usr/lib/systemd/system)
for f in usr/bin/kdiag usr/share/kdiag/rules/xen-pciback.toml usr/share/kdiag/rules/README.md \
         usr/share/man/man1/kdiag.1.gz usr/share/bash-completion/completions/kdiag \
         usr/share/zsh/vendor-completions/_kdiag usr/share/fish/vendor_completions.d/kdiag.fish \
         "${unit_dir#/}/kdiag.service" etc/logrotate.d/kdiag \
         usr/share/doc/kdiag/examples/rsyslog/30-kdiag.conf \
         usr/share/doc/kdiag/examples/vector/kdiag.toml \
         usr/share/doc/kdiag/examples/fluent-bit/kdiag.conf \
         usr/share/doc/kdiag/examples/fluent-bit/parsers.conf; do
  [ -f "$root/$f" ] || bad "not installed: /$f"
done
# Every shipped rule file, and the schema when the source has one.
for r in "$src"/rules/*.toml; do
  cmp -s "$r" "$root/usr/share/kdiag/rules/$(basename "$r")" || bad "rule file not installed: $r"
done
if [ -d "$src/schema" ]; then
  [ -n "$(ls -A "$root/usr/share/kdiag/schema" 2>/dev/null)" ] || bad "schema/ not installed"
fi
# Nothing points at /usr/local, nor at the build tree.
if grep -rlI -e /usr/local -e "$build" -e "$src" "$root" | grep -v '^$'; then
  bad "files above name /usr/local or the build or source tree"
fi
grep -q '^ExecStart=/usr/bin/kdiag ' "$root/${unit_dir#/}/kdiag.service" || bad "unit's ExecStart"
grep -q 'binary="/usr/bin/kdiag ' "$root/usr/share/doc/kdiag/examples/rsyslog/30-kdiag.conf" ||
  bad "rsyslog example's binary"
# The prefix given at install time, not the configured one, ends up in the configured files.
local_root=$(mktemp -d)
cmake --install "$build" --prefix "$local_root/opt-kdiag" >/dev/null
grep -q "^ExecStart=$local_root/opt-kdiag/bin/kdiag " \
  "$local_root/opt-kdiag/lib/systemd/system/kdiag.service" || bad "unit for another prefix"
rm -rf "$local_root"

# The configurations, through the programs that read them: rsyslogd's config validation, and
# logrotate's dry run (-d, which also rejects an unknown directive).
if command -v rsyslogd >/dev/null; then
  out=$(rsyslogd -N1 -f "$root/usr/share/doc/kdiag/examples/rsyslog/30-kdiag.conf" 2>&1) ||
    bad "rsyslogd -N1 rejects the rsyslog example: $out"
else
  echo "SKIPPED: rsyslogd -N1 (rsyslog not installed)"
fi
if command -v logrotate >/dev/null; then
  out=$(logrotate -d -s "$root/logrotate.state" "$root/etc/logrotate.d/kdiag" 2>&1) ||
    bad "logrotate -d rejects /etc/logrotate.d/kdiag: $out"
  grep -qi '^error' <<<"$out" && bad "logrotate -d: $out"
else
  echo "SKIPPED: logrotate -d (logrotate not installed)"
fi

# The man page: roff that groff reads without a warning, the sections promised.
man=$(gzip -dc "$root/usr/share/man/man1/kdiag.1.gz")
warnings=$(printf '%s\n' "$man" | groff -t -man -ww -z 2>&1) || bad "groff failed"
[ -z "$warnings" ] || bad "groff warnings: $warnings"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS "CONFIGURATION FILE" ENVIRONMENT "EXIT STATUS" FILES; do
  grep -qx "\.SH \"\?$section\"\?" <<<"$man" || bad "man page has no $section section"
done
# EXIT STATUS holds a table (tbl) with a row for each exit code kdiag uses.
status=$(printf '%s\n' "$man" | sed -n '/^\.SH EXIT STATUS/,/^\.SH /p')
grep -q '^\.TS' <<<"$status" || bad "EXIT STATUS has no table"
for code in 0 1 2; do
  grep -q "^$code	" <<<"$status" || bad "EXIT STATUS table has no row for $code"
done
version=$("$root/usr/bin/kdiag" --version | sed 's/^kdiag //')
grep -qF ".TH KDIAG 1 \"\" \"kdiag $version\"" <<<"$man" || bad "man page .TH has no version $version"
grep -e /usr/local -e "$build" -e "$src" <<<"$man" && bad "the man page names the paths above"

# Every long option of --help: a .TP item of the man page, and in each completion.
options=$("$root/usr/bin/kdiag" --help | grep -oE '^ +(-[a-zA-Z],)?--[a-z][a-z0-9-]*' |
          grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)
[ "$(printf '%s\n' "$options" | wc -l)" -ge 20 ] || bad "too few options parsed from --help: $options"
items=$(printf '%s\n' "$man" | sed 's/\\-/-/g' | awk 'prev == ".TP" { print } { prev = $0 }')
bash_c=$(cat "$root/usr/share/bash-completion/completions/kdiag")
zsh_c=$(cat "$root/usr/share/zsh/vendor-completions/_kdiag")
fish_c=$(cat "$root/usr/share/fish/vendor_completions.d/kdiag.fish")
for o in $options; do
  re="${o}([^a-z0-9-]|\$)"
  grep -qE -- "$re" <<<"$items" || bad "man page: no .TP item for $o"
  grep -qE -- "$re" <<<"$bash_c" || bad "bash completion: no $o"
  grep -qE -- "'(\\*|\\([^)]*\\))?(\\{-[a-z],)?$re" <<<"$zsh_c" || bad "zsh completion: no $o"
  grep -qE -- "-l ${o#--}( |\$)" <<<"$fish_c" || bad "fish completion: no $o"
done
echo "checked $(printf '%s\n' "$options" | wc -l) long options in the man page and 3 completions"

# The completions parse, and complete.
bash -n "$root/usr/share/bash-completion/completions/kdiag" || bad "bash completion: syntax"
if [ -r /usr/share/bash-completion/bash_completion ]; then
  got=$(bash -c 'source /usr/share/bash-completion/bash_completion
                 source "$1"
                 COMP_WORDS=(kdiag --em); COMP_CWORD=1; COMP_LINE="kdiag --em"; COMP_POINT=${#COMP_LINE}
                 _kdiag kdiag --em kdiag; echo "${COMPREPLY[*]}"
                 COMP_WORDS=(kdiag --emit x); COMP_CWORD=2; COMP_LINE="kdiag --emit x"; COMP_POINT=${#COMP_LINE}
                 _kdiag kdiag x --emit; echo "${COMPREPLY[*]}"' _ \
        "$root/usr/share/bash-completion/completions/kdiag")
  [ "$got" = $'--emit\nxend-quirks xl xend-permissive' ] || bad "bash completion completes: $got"
else
  echo "SKIPPED: bash completion run (bash-completion not installed)"
fi
if command -v zsh >/dev/null; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_kdiag" || bad "zsh completion: syntax"
else
  echo "SKIPPED: zsh completion syntax (zsh not installed)"
fi
if command -v fish >/dev/null; then
  fish -n "$root/usr/share/fish/vendor_completions.d/kdiag.fish" || bad "fish completion: syntax"
  got=$(fish -c "source $root/usr/share/fish/vendor_completions.d/kdiag.fish; complete -C 'kdiag --fail-on e'" | cut -f1)
  [ "$got" = error ] || bad "fish completion completes: $got"
else
  echo "SKIPPED: fish completion syntax (fish not installed)"
fi
[ $fail -eq 0 ] && echo "install: ok"
exit $fail
