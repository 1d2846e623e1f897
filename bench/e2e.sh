#!/usr/bin/env bash
# End-to-end throughput of kdiag against ripgrep on a synthetic dom0 dmesg corpus.
#
#   bench/e2e.sh [-s MB] [-r RUNS] [-R SMALL_RUNS] [-d DIR] [-k KDIAG] [-f]
#
#   -s MB          corpus size in 10^6 bytes (default 400)
#   -r RUNS        timed runs of each large-file command (default 5)
#   -R SMALL_RUNS  timed runs of each 100 KB command (default 20)
#   -d DIR         work directory for the corpus, patterns and raw timings (default
#                  /tmp/kdiag-bench; never put it in the repository)
#   -k KDIAG       the kdiag binary (default build/kdiag of this checkout)
#   -f             regenerate the corpus even when a matching one exists
#
# What it does:
#   1. bench/gen_corpus.py writes DIR/corpus-<MB>mb-<hash>.log (deterministic; <hash> covers the
#      generator and rules/*.toml, so an existing file is reused only if it would be identical),
#      and a 100 KB slice of it (whole lines).
#   2. `kdiag rules patterns` is written once to DIR/patterns.txt for `rg -f` (group names and
#      leading anchors already removed by kdiag, so rg accepts them as they are).
#   3. Page cache warm-up (one untimed read of the corpus), one untimed kdiag run whose summary
#      gives the event count (and which fills the compiled-database cache, KDIAG_CACHE_DIR=
#      DIR/cache, so every timed run starts as users' second runs do), then RUNS rounds, each running once, in this order:
#        kdiag --output ndjson FILE > /dev/null              (default threads)
#        kdiag --threads 1 --output ndjson FILE > /dev/null
#        rg -c -f patterns FILE                              (the count is kept as a check)
#        cat FILE | kdiag --output ndjson > /dev/null        (stdin: the pipe path)
#      Wall time from `date +%s.%N`; user+sys CPU seconds and peak RSS ("Maximum resident set
#      size") from GNU time (package `time`) when it is installed, else "n/a".
#   4. The 100 KB slice: kdiag --output ndjson vs rg -c, alternately, SMALL_RUNS times each.
#   Before the timed rounds, the NDJSON of default threads, --threads 1 and --threads 3 is
#      compared byte for byte (reported as "NDJSON identical").
#   5. Prints medians, GB/s (10^9 bytes per second of median wall time), the kdiag/rg ratio
#      (kdiag GB/s over rg GB/s: below 1 means kdiag is slower), RSS, and the 100 KB medians in ms.
#      Raw per-run numbers are kept in DIR/runs.tsv and DIR/small.tsv.
#
# Needs: bash, python3 (3.11+, for tomllib), ripgrep (exit 2 with the install command if
# missing). Optional: GNU time (/usr/bin/time) for CPU and RSS. No network access.
# `scripts/setup bench` installs the tools, builds, and runs this script.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

size_mb=400
runs=5
small_runs=20
dir=/tmp/kdiag-bench
kdiag=$root/build/kdiag
force=0
while getopts "s:r:R:d:k:fh" opt; do
  case "$opt" in
    s) size_mb=$OPTARG ;;
    r) runs=$OPTARG ;;
    R) small_runs=$OPTARG ;;
    d) dir=$OPTARG ;;
    k) kdiag=$OPTARG ;;
    f) force=1 ;;
    h)
      sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
      exit 0
      ;;
    *) exit 2 ;;
  esac
done

die() {
  echo "e2e: $*" >&2
  exit 2
}

# ---- prerequisites -------------------------------------------------------------------------
if ! command -v rg >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo "
  echo "e2e: ripgrep (rg) is not installed; install it with:" >&2
  echo "  ${sudo}apt-get install -y ripgrep hyperfine time    (or: scripts/setup bench)" >&2
  exit 2
fi
command -v python3 >/dev/null 2>&1 || die "python3 is needed for bench/gen_corpus.py"
[ -x "$kdiag" ] || die "no kdiag binary at $kdiag (cmake --build build --target kdiag)"
case "$dir" in
  "$root" | "$root"/*) die "-d $dir is inside the repository; use a directory outside it" ;;
esac
mkdir -p "$dir"

# GNU time: -f/-o are GNU-only; anything else (none, BSD time) means no CPU/RSS numbers.
time_bin=""
for t in /usr/bin/time "$(command -v time 2>/dev/null || true)"; do
  if [ -n "$t" ] && [ -x "$t" ] && "$t" -f '%M' -o /dev/null true 2>/dev/null; then
    time_bin=$t
    break
  fi
done
[ -n "$time_bin" ] || echo "e2e: GNU time not found (package 'time'): CPU and RSS are n/a" >&2

# The compiled-database cache of these runs (filled by the untimed run below): start-up is
# measured as users see it from their second run on, and ~/.cache is left alone.
export KDIAG_CACHE_DIR=$dir/cache
unset KDIAG_NO_CACHE

# ---- corpus --------------------------------------------------------------------------------
hash=$(cat "$here/gen_corpus.py" "$root"/rules/*.toml | sha256sum | cut -c1-12)
corpus=$dir/corpus-${size_mb}mb-$hash.log
if [ "$force" = 1 ] || [ ! -s "$corpus" ]; then
  echo "e2e: generating $corpus" >&2
  python3 "$here/gen_corpus.py" --size-mb "$size_mb" --rules "$root/rules" -o "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
bytes=$(stat -c %s "$corpus")
slice=$dir/slice-100kb-$hash.log
head -c 100000 "$corpus" | sed '$d' >"$slice"  # whole lines only
slice_bytes=$(stat -c %s "$slice")

# ---- patterns for rg -----------------------------------------------------------------------
patterns=$dir/patterns.txt
"$kdiag" rules patterns >"$patterns"
rg_rc=0
rg -c -f "$patterns" "$slice" >/dev/null 2>"$dir/rg-check.err" || rg_rc=$?
[ "$rg_rc" -lt 2 ] || die "rg rejects 'kdiag rules patterns': $(head -3 "$dir/rg-check.err")"

# ---- measurement helpers -------------------------------------------------------------------
# measure NAME OUTFILE CMD...: runs CMD once (stdout to OUTFILE), appends
# "NAME wall cpu rss_kb" to $dir/runs.tsv. cpu/rss are "n/a" without GNU time.
tfile=$dir/time.out
measure() {
  local name=$1 out=$2
  shift 2
  local t0 t1 rc=0 cpu="n/a" rss="n/a"
  t0=$(date +%s.%N)
  if [ -n "$time_bin" ]; then
    "$time_bin" -f '%U %S %M' -o "$tfile" "$@" >"$out" || rc=$?
  else
    "$@" >"$out" || rc=$?
  fi
  t1=$(date +%s.%N)
  # rg -c exits 1 when nothing matched; anything above is a failure.
  [ "$rc" -le 1 ] || die "$name failed (exit $rc): $*"
  if [ -n "$time_bin" ]; then
    read -r u s m < <(tail -n 1 "$tfile")
    cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    rss=$m
  fi
  printf '%s\t%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" \
    "$cpu" "$rss" >>"$results"
}

# Pipe run: cat FILE | kdiag; GNU time wraps kdiag only (its RSS), wall covers the pipeline.
# shellcheck disable=SC2002  # the pipe through cat is the point: kdiag reads stdin
kdiag_pipe() { cat "$corpus" | "$@"; }

median() {  # median NAME COLUMN FILE (column 2 wall, 3 cpu, 4 rss)
  awk -F'\t' -v n="$1" -v c="$2" '$1 == n && $c != "n/a" { print $c }' "$3" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a";
           else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
gbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t == "n/a" || t <= 0) print "n/a"; else printf "%.3f", b / t / 1e9 }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "n/a") print "n/a"; else printf "%.1f", k / 1024 }'; }

# ---- large file ----------------------------------------------------------------------------
echo "e2e: corpus $corpus ($bytes bytes), $runs runs each" >&2
cat "$corpus" >/dev/null  # page cache warm-up, untimed
events=$("$kdiag" --output ndjson "$corpus" | tail -n 1 |
  sed -n 's/.*"events":\([0-9]*\).*/\1/p')  # untimed: the event count, and a warm binary
# Untimed: the NDJSON of default threads, one thread and three threads must be byte-identical.
identical=yes
"$kdiag" --threads 1 --output ndjson "$corpus" >"$dir/out-t1.ndjson"
for t in 0 3; do
  if [ "$t" = 0 ]; then "$kdiag" --output ndjson "$corpus" >"$dir/out-t$t.ndjson"; else
    "$kdiag" --threads "$t" --output ndjson "$corpus" >"$dir/out-t$t.ndjson"
  fi
  cmp -s "$dir/out-t1.ndjson" "$dir/out-t$t.ndjson" || identical="NO (threads $t differs)"
done
rm -f "$dir"/out-t*.ndjson
results=$dir/runs.tsv
: >"$results"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((i = 1; i <= runs; i++)); do
  echo "e2e: round $i/$runs" >&2
  measure kdiag /dev/null "$kdiag" --output ndjson "$corpus"
  measure kdiag-t1 /dev/null "$kdiag" --threads 1 --output ndjson "$corpus"
  measure rg "$dir/rg.count" rg -c -f "$patterns" "$corpus"
  if [ -n "$time_bin" ]; then
    t0=$(date +%s.%N)
    # shellcheck disable=SC2002  # as above
    cat "$corpus" | "$time_bin" -f '%U %S %M' -o "$tfile" "$kdiag" --output ndjson >/dev/null
    t1=$(date +%s.%N)
    read -r u s m < <(tail -n 1 "$tfile")
    printf 'kdiag-pipe\t%s\t%s\t%s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')" \
      "$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')" "$m" >>"$results"
  else
    measure kdiag-pipe /dev/null kdiag_pipe "$kdiag" --output ndjson
  fi
done
rg_count=$(cat "$dir/rg.count" 2>/dev/null || echo 0)

# ---- 100 KB slice --------------------------------------------------------------------------
small=$dir/small.tsv
: >"$small"
cat "$slice" >/dev/null
for ((i = 1; i <= small_runs; i++)); do
  for tool in kdiag rg; do
    t0=$(date +%s%N)
    if [ "$tool" = kdiag ]; then
      "$kdiag" --output ndjson "$slice" >/dev/null
    else
      rg -c -f "$patterns" "$slice" >/dev/null || [ $? -eq 1 ]
    fi
    t1=$(date +%s%N)
    printf '%s\t%s\n' "$tool" "$(((t1 - t0) / 1000))" >>"$small"  # microseconds
  done
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report --------------------------------------------------------------------------------
rg_wall=$(median rg 2 "$results")
rg_gbps=$(gbps "$bytes" "$rg_wall")
echo
echo "corpus: $bytes bytes ($corpus), $runs runs each, page cache warm"
echo "matching lines: rg -c $rg_count; kdiag events $events"
echo "NDJSON identical for default threads, --threads 1 and --threads 3: $identical"
echo "load average (1/5/15 min): $load_before before, $load_after after ($(nproc) CPUs)"
printf '%-34s %10s %10s %8s %10s %12s\n' "command" "wall s" "cpu s" "GB/s" "vs rg" "peak RSS MiB"
for name in kdiag kdiag-t1 rg kdiag-pipe; do
  wall=$(median "$name" 2 "$results")
  cpu=$(median "$name" 3 "$results")
  rss=$(median "$name" 4 "$results")
  g=$(gbps "$bytes" "$wall")
  ratio=$(awk -v a="$g" -v b="$rg_gbps" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.2fx", a / b }')
  case $name in
    kdiag) label="kdiag --output ndjson FILE" ;;
    kdiag-t1) label="kdiag --threads 1 --output ndjson" ;;
    rg) label="rg -c -f patterns FILE" ;;
    kdiag-pipe) label="cat FILE | kdiag --output ndjson" ;;
  esac
  printf '%-34s %10s %10s %8s %10s %12s\n' "$label" "$wall" "$cpu" "$g" "$ratio" "$(mib "$rss")"
done
echo
echo "100 KB slice ($slice_bytes bytes), median of $small_runs runs:"
for tool in kdiag rg; do
  us=$(awk -F'\t' -v n="$tool" '$1 == n { print $2 }' "$small" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2;
           printf "%.1f", m / 1000 }')
  printf '  %-6s %8s ms\n' "$tool" "$us"
done
echo
echo "raw runs: $results, $small"
