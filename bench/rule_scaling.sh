#!/usr/bin/env bash
# Rule-count scaling: kdiag with N times the shipped rules against the same corpus as 1x.
#
#   bench/rule_scaling.sh [-s MB] [-m MULTIPLIER] [-r RUNS] [-d DIR] [-k KDIAG]
#
#   -s MB          corpus size in 10^6 bytes (default 100)
#   -m MULTIPLIER  how many times the rules (default 10)
#   -r RUNS        hyperfine runs of each command (default 5)
#   -d DIR         work directory (default /tmp/kdiag-bench; never inside the repository)
#   -k KDIAG       the kdiag binary (default build/kdiag of this checkout)
#
# What it does:
#   1. bench/gen_corpus.py writes DIR/corpus-<MB>mb-<hash>.log, the same file bench/e2e.sh uses
#      (reused when present), and a 100 KB slice of it.
#   2. bench/gen_rules.py writes DIR/rules-<M>x/: the shipped rule files and M-1 variants of every
#      rule, each with one letter of a literal word changed, so that they match (almost) none of
#      the corpus's lines (see its header).
#   3. Both rule sets run with --no-embedded-rules, the 1x one with `--rules rules/`, the Mx one
#      with `--rules DIR/rules-<M>x`; the Mx event count may exceed the 1x one by at most 1% (a
#      variant whose changed word is optional still matches), else the script stops.
#   4. hyperfine -N times, with a warm compiled-database cache (KDIAG_CACHE_DIR=DIR/cache):
#      the corpus with 1x and Mx rules, then the 100 KB slice with a warm cache and with
#      KDIAG_NO_CACHE=1 (start-up, where the compile of the larger database shows).
#   5. Prints hyperfine's tables and the Mx/1x ratios of the mean wall times; the JSON exports
#      are kept in DIR/scaling-*.json.
#
# Needs: bash, python3 (3.11+), hyperfine (apt-get install hyperfine).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

size_mb=100
mult=10
runs=5
dir=/tmp/kdiag-bench
kdiag=$root/build/kdiag
while getopts "s:m:r:d:k:h" opt; do
  case "$opt" in
    s) size_mb=$OPTARG ;;
    m) mult=$OPTARG ;;
    r) runs=$OPTARG ;;
    d) dir=$OPTARG ;;
    k) kdiag=$OPTARG ;;
    h)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) exit 2 ;;
  esac
done

die() {
  echo "rule_scaling: $*" >&2
  exit 2
}
command -v hyperfine >/dev/null 2>&1 || die "hyperfine is not installed (apt-get install hyperfine)"
command -v python3 >/dev/null 2>&1 || die "python3 is needed for bench/gen_corpus.py"
[ -x "$kdiag" ] || die "no kdiag binary at $kdiag (cmake --build build --target kdiag)"
case "$dir" in
  "$root" | "$root"/*) die "-d $dir is inside the repository; use a directory outside it" ;;
esac
mkdir -p "$dir"

hash=$(cat "$here/gen_corpus.py" "$root"/rules/*.toml | sha256sum | cut -c1-12)
corpus=$dir/corpus-${size_mb}mb-$hash.log
if [ ! -s "$corpus" ]; then
  echo "rule_scaling: generating $corpus" >&2
  python3 "$here/gen_corpus.py" --size-mb "$size_mb" --rules "$root/rules" -o "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
slice=$dir/slice-100kb-$hash.log
head -c 100000 "$corpus" | sed '$d' >"$slice"  # whole lines only

many=$dir/rules-${mult}x
rm -rf "$many"
python3 "$here/gen_rules.py" --multiplier "$mult" --rules "$root/rules" -o "$many"

export KDIAG_CACHE_DIR=$dir/cache
unset KDIAG_NO_CACHE
one=(--no-embedded-rules --rules "$root/rules" --output ndjson)
more=(--no-embedded-rules --rules "$many" --output ndjson)
events() { "$kdiag" "$@" | tail -n 1 | sed -n 's/.*"events":\([0-9]*\).*/\1/p'; }
e1=$(events "${one[@]}" "$corpus")  # untimed; also fills the cache for both rule sets
em=$(events "${more[@]}" "$corpus")
echo "rule_scaling: events 1x $e1, ${mult}x $em" >&2
[ -n "$e1" ] && [ -n "$em" ] || die "no event count from kdiag"
# A variant with one letter changed can still match where the changed word sits in an optional
# part or an alternative; more than 1% more events would no longer measure the cost of rules.
if [ "$e1" != "$em" ]; then
  echo "rule_scaling: note: the ${mult}x rules found $em events, 1x found $e1" >&2
  [ "$em" -le $((e1 + e1 / 100)) ] || die "the ${mult}x rules found too many more events"
fi
patterns1=$("$kdiag" --no-embedded-rules --rules "$root/rules" rules patterns | wc -l)
patternsm=$("$kdiag" --no-embedded-rules --rules "$many" rules patterns | wc -l)

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
q() { printf '%q ' "$@"; }
hyperfine -N --warmup 1 --runs "$runs" --export-json "$dir/scaling-corpus.json" \
  -n "1x ($patterns1 patterns)" "$(q "$kdiag" "${one[@]}" "$corpus")" \
  -n "${mult}x ($patternsm patterns)" "$(q "$kdiag" "${more[@]}" "$corpus")"
hyperfine -N --warmup 3 --runs $((runs * 6)) --export-json "$dir/scaling-startup.json" \
  -n "1x slice, cached" "$(q "$kdiag" "${one[@]}" "$slice")" \
  -n "${mult}x slice, cached" "$(q "$kdiag" "${more[@]}" "$slice")" \
  -n "1x slice, KDIAG_NO_CACHE=1" "$(q env KDIAG_NO_CACHE=1 "$kdiag" "${one[@]}" "$slice")" \
  -n "${mult}x slice, KDIAG_NO_CACHE=1" "$(q env KDIAG_NO_CACHE=1 "$kdiag" "${more[@]}" "$slice")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "corpus: $(stat -c %s "$corpus") bytes ($corpus); slice $(stat -c %s "$slice") bytes"
echo "events: $e1 with 1x, $em with ${mult}x; load average $load_before before, $load_after after"
python3 - "$dir/scaling-corpus.json" "$dir/scaling-startup.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    r = json.load(open(path))["results"]
    for a, b in zip(r[0::2], r[1::2]):  # each 1x run is followed by its Mx run
        cpu = (b["user"] + b["system"]) / (a["user"] + a["system"])
        print(f"{b['command']} / {a['command']}: mean {b['mean'] / a['mean']:.2f}x "
              f"({b['mean'] * 1000:.1f} / {a['mean'] * 1000:.1f} ms), "
              f"median {b['median'] / a['median']:.2f}x, user+sys {cpu:.2f}x")
PY
