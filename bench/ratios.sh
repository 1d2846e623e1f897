#!/usr/bin/env bash
# The engine's goals as ratios, every row in one run (issue "Engine: start in a few milliseconds").
#
#   bench/ratios.sh [-s MB] [-w MB] [-r RUNS] [-d DIR] [-k KDIAG]
#
#   -s MB     size of the chatter corpus in 10^6 bytes (default 400)
#   -w MB     size of the worst-case and plain files (default 125)
#   -r RUNS   hyperfine runs of each large command (default 5; the start-up rows run 6x as many)
#   -d DIR    work directory (default /tmp/kdiag-bench; never inside the repository)
#   -k KDIAG  the kdiag binary (default build/kdiag of this checkout)
#
# Rows, each "measure: A / B = ratio (goal)", where lower is better except for row 4:
#   1. start-up: `kdiag FILE` on a 100 KB slice of the corpus / `rg -c -F zzzz FILE`, wall medians,
#      both warm, kdiag's compiled-rules cache hit (goal <= 1.5).
#   2. `dmesg | kdiag` / `dmesg | grep -c zzz` on this machine's own kernel log, wall medians
#      (goal <= 3). Needs read access to the kernel log (root or CAP_SYSLOG).
#   3. one thread on the corpus, user+sys CPU / the CPU of `wc -l` on it (goal <= 2.5).
#   4. two threads against one: the one-thread wall median / the two-thread one (goal >= 1.85).
#   5. 10x the rules (bench/gen_rules.py) / 1x, both with --no-embedded-rules, same corpus, wall
#      medians (goal <= 1.15).
#   6. the corpus's lines wrapped as syslog (`Mon DD HH:MM:SS host kernel: ` before each) and in
#      /dev/kmsg's format (`6,SEQ,USEC,-;message`) / the plain console form, one thread, CPU
#      (goal <= 1.3 each).
#   7. worst case: a file where every line is a crash header or a pciback warning (the floods a
#      guest can write) / a file of the same size of plain lines, one thread, CPU (goal <= 5).
# Every kdiag run writes --output ndjson to /dev/null, with KDIAG_CACHE_DIR=DIR/cache warmed by an
# untimed run first. The hyperfine JSON exports stay in DIR/ratios-*.json.
#
# Needs: bash, python3 (3.11+), hyperfine, ripgrep (apt-get install hyperfine ripgrep).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

size_mb=400
worst_mb=125
runs=5
dir=/tmp/kdiag-bench
kdiag=$root/build/kdiag
while getopts "s:w:r:d:k:h" opt; do
  case "$opt" in
    s) size_mb=$OPTARG ;;
    w) worst_mb=$OPTARG ;;
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
  echo "ratios: $*" >&2
  exit 2
}
for tool in hyperfine rg python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed (apt-get install hyperfine ripgrep python3)"
done
[ -x "$kdiag" ] || die "no kdiag binary at $kdiag (cmake --build build --target kdiag)"
case "$dir" in
  "$root" | "$root"/*) die "-d $dir is inside the repository; use a directory outside it" ;;
esac
mkdir -p "$dir"
export KDIAG_CACHE_DIR=$dir/cache
unset KDIAG_NO_CACHE

# The corpus, shared with bench/e2e.sh and bench/rule_scaling.sh (same name, same hash).
hash=$(cat "$here/gen_corpus.py" "$root"/rules/*.toml | sha256sum | cut -c1-12)
corpus=$dir/corpus-${size_mb}mb-$hash.log
if [ ! -s "$corpus" ]; then
  echo "ratios: generating $corpus" >&2
  python3 "$here/gen_corpus.py" --size-mb "$size_mb" --rules "$root/rules" -o "$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi
slice=$dir/slice-100kb-$hash.log
head -c 100000 "$corpus" | sed '$d' >"$slice"

# Row 6's inputs: the corpus's own lines in two other framings.
syslog=$dir/corpus-${size_mb}mb-$hash.syslog
kmsg=$dir/corpus-${size_mb}mb-$hash.kmsg
if [ ! -s "$syslog" ] || [ ! -s "$kmsg" ]; then
  echo "ratios: writing the syslog and kmsg forms of the corpus" >&2
  python3 - "$corpus" "$syslog" "$kmsg" <<'PY'
import re, sys
stamp = re.compile(rb"^\[\s*(\d+)\.(\d+)\] ?")
with open(sys.argv[1], "rb") as src, open(sys.argv[2], "wb") as sl, open(sys.argv[3], "wb") as km:
    for seq, line in enumerate(src):
        m = stamp.match(line)
        usec = int(m.group(1)) * 1000000 + int(m.group(2)[:6].ljust(6, b"0")) if m else 0
        body = line[m.end():] if m else line
        secs = 36000 + usec // 1000000
        sl.write(b"Dec  2 %02d:%02d:%02d dom0 kernel: " % (secs // 3600 % 24, secs // 60 % 60, secs % 60) + line)
        km.write(b"6,%d,%d,-;" % (seq, usec) + body)
PY
fi

# Row 7's inputs: floods of report headers and pciback warnings, and plain lines of the same size.
worst=$dir/worst-${worst_mb}mb.log
plain=$dir/plain-${worst_mb}mb.log
if [ ! -s "$worst" ] || [ ! -s "$plain" ]; then
  echo "ratios: writing $worst and $plain" >&2
  python3 - "$worst" "$plain" "$worst_mb" <<'PY'
import sys
size = int(float(sys.argv[3]) * 1000000)
heads = [
    b"BUG: unable to handle page fault for address: ffffffffc0%06x",
    b"WARNING: CPU: 1 PID: %d at net/core/dev.c:4213 dev_queue_xmit+0x8f/0x90",
    b"BUG: kernel NULL pointer dereference, address: 00000000000%05x",
    b"INFO: task kworker/%d:1 blocked for more than 120 seconds.",
    b"pciback 0000:13:04.0: Driver tried to write to a read-only configuration space field at offset 0x%x, size 2. This may be harmless, but if you have problems with your device:",
]
plain = b"usb 1-1.%d: new high-speed USB device number 4 using ehci-pci and some padding text"
def fill(path, make):
    with open(path, "wb") as out:
        n = written = 0
        while written < size:
            line = b"[%5d.%06d] " % (n // 1000, n % 1000000) + make(n) + b"\n"
            out.write(line)
            written += len(line)
            n += 1
fill(sys.argv[1], lambda n: heads[n % len(heads)] % (n % 4096))
fill(sys.argv[2], lambda n: plain % (n % 8))
PY
fi

many=$dir/rules-10x
[ -d "$many" ] || python3 "$here/gen_rules.py" --multiplier 10 --rules "$root/rules" -o "$many"

nd=(--output ndjson)
one=(--no-embedded-rules --rules "$root/rules" "${nd[@]}")
more=(--no-embedded-rules --rules "$many" "${nd[@]}")
# Untimed: fill the cache for every rule set.
"$kdiag" "${nd[@]}" "$slice" >/dev/null
"$kdiag" "${one[@]}" "$slice" >/dev/null
"$kdiag" "${more[@]}" "$slice" >/dev/null
cat "$corpus" "$worst" "$plain" >/dev/null  # page cache

q() { printf '%q ' "$@"; }
fine() {  # fine NAME RUNS hyperfine-args...: hyperfine -N quietly, export DIR/ratios-NAME.json
  local name=$1 n=$2
  shift 2
  hyperfine -N -i --style none --warmup 1 --runs "$n" --export-json "$dir/ratios-$name.json" "$@" >/dev/null 2>&1
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
fine startup $((runs * 6)) "$(q "$kdiag" "${nd[@]}" "$slice")" "$(q rg -c -F zzzz "$slice")"
dmesg_ok=1
dmesg >/dev/null 2>&1 || dmesg_ok=0
if ((dmesg_ok)); then
  fine dmesg $((runs * 6)) "bash -c $(q "dmesg | $(q "$kdiag" "${nd[@]}") >/dev/null")" \
    "bash -c $(q "dmesg | grep -c zzz >/dev/null")"
fi
fine cpu "$runs" "$(q "$kdiag" --threads 1 "${nd[@]}" "$corpus")" "$(q wc -l "$corpus")"
fine threads "$runs" "$(q "$kdiag" --threads 1 "${nd[@]}" "$corpus")" \
  "$(q "$kdiag" --threads 2 "${nd[@]}" "$corpus")"
fine rules "$runs" "$(q "$kdiag" --threads 1 "${one[@]}" "$corpus")" \
  "$(q "$kdiag" --threads 1 "${more[@]}" "$corpus")"
fine framing "$runs" "$(q "$kdiag" --threads 1 "${nd[@]}" "$corpus")" \
  "$(q "$kdiag" --threads 1 "${nd[@]}" "$syslog")" "$(q "$kdiag" --threads 1 "${nd[@]}" "$kmsg")"
fine worst "$runs" "$(q "$kdiag" --threads 1 "${nd[@]}" "$plain")" \
  "$(q "$kdiag" --threads 1 "${nd[@]}" "$worst")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "kdiag $("$kdiag" --version 2>/dev/null | head -n 1); $(nproc) CPUs; $(date -u +%FT%TZ)"
echo "corpus $(stat -c %s "$corpus") bytes; worst/plain $(stat -c %s "$worst")/$(stat -c %s "$plain") bytes"
echo "load average $load_before before, $load_after after"
python3 - "$dir" "$dmesg_ok" <<'PY'
import json, sys
d, dmesg_ok = sys.argv[1], sys.argv[2] == "1"
def res(name):
    return json.load(open(f"{d}/ratios-{name}.json"))["results"]
def cpu(r):
    return r["user"] + r["system"]
def row(n, what, a, b, ratio, goal, unit="ms"):
    print(f"{n}. {what}: {a:.1f} / {b:.1f} {unit} = {ratio:.2f}x (goal {goal})")
r = res("startup")
row(1, "start-up, 100 KB, kdiag / rg -c -F (wall median)", r[0]["median"] * 1e3, r[1]["median"] * 1e3,
    r[0]["median"] / r[1]["median"], "<= 1.5x")
if dmesg_ok:
    r = res("dmesg")
    row(2, "dmesg | kdiag / dmesg | grep -c zzz (wall median)", r[0]["median"] * 1e3,
        r[1]["median"] * 1e3, r[0]["median"] / r[1]["median"], "<= 3x")
else:
    print("2. dmesg | kdiag: not measured (the kernel log is not readable here)")
r = res("cpu")
row(3, "one thread, CPU, kdiag / wc -l", cpu(r[0]) * 1e3, cpu(r[1]) * 1e3, cpu(r[0]) / cpu(r[1]), "<= 2.5x")
r = res("threads")
row(4, "two threads against one, wall median 1 thread / 2 threads", r[0]["median"] * 1e3,
    r[1]["median"] * 1e3, r[0]["median"] / r[1]["median"], ">= 1.85x")
r = res("rules")
row(5, "10x rules / 1x, one thread (wall median)", r[1]["median"] * 1e3, r[0]["median"] * 1e3,
    r[1]["median"] / r[0]["median"], "<= 1.15x")
r = res("framing")
row("6a", "syslog-wrapped / plain console, one thread, CPU", cpu(r[1]) * 1e3, cpu(r[0]) * 1e3,
    cpu(r[1]) / cpu(r[0]), "<= 1.3x")
row("6b", "kmsg format / plain console, one thread, CPU", cpu(r[2]) * 1e3, cpu(r[0]) * 1e3,
    cpu(r[2]) / cpu(r[0]), "<= 1.3x")
r = res("worst")
row(7, "worst case (headers, pciback floods) / plain lines, one thread, CPU", cpu(r[1]) * 1e3,
    cpu(r[0]) * 1e3, cpu(r[1]) / cpu(r[0]), "<= 5x")
PY
