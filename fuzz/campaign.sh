#!/usr/bin/env bash
# A fuzzing campaign measured in CPU time, resumable across sessions.
#
#   fuzz/campaign.sh [TARGET...]     (default: every build-fuzz/fuzz/fuzz_* target)
#
# `scripts/setup fuzz` runs each libFuzzer target for a few wall-clock seconds, which is what CI
# can afford. A campaign is longer: each target runs until it has spent FUZZ_CPU_SECONDS (default
# 900, i.e. 15 CPU-minutes) of CPU time in total, counted over every run recorded in the ledger, so
# a campaign interrupted by the end of a working session picks up where it stopped. CPU time, not
# wall time, because the campaign runs niced in the background of other work: a fuzzer that waited
# for the CPU has not fuzzed.
#
# How: the target runs under `nice -n 19` with no time limit; every few seconds the script reads
# the process's utime+stime from /proc/PID/stat (fields 14 and 15, in clock ticks; the whole
# thread group) and sends SIGINT when the target's budget is spent. libFuzzer answers SIGINT by
# printing its final statistics and exiting with its interrupt code (72, -interrupted_exitcode).
# Any other non-zero exit is a finding: the crashing input is saved as an artifact next to the
# corpus, the ledger says "crash", and that target leaves the campaign while the others go on.
#
# The corpus of each target is build-fuzz/fuzz-corpus/NAME, the same one `scripts/setup fuzz`
# grows, seeded as there. The ledger, fuzz/ledger.tsv, is tracked in git (a fresh checkout has no
# build-fuzz/, and an earlier session's ledger there was lost with it); one line per run:
#   date  commit  target  cpu_seconds  executions  cov  ft  corpus_units  result
# Result "carried" marks the per-target totals of the slices run before the ledger moved into git,
# taken from fuzz/RESULTS.md of that day.
# `fuzz/campaign.sh --summary` prints the totals per target for fuzz/RESULTS.md.
# FUZZ_PARALLEL (default 1) runs that many targets at once. A target runs in slices of at most
# FUZZ_SLICE_SECONDS (default 300) CPU seconds, each recorded when it ends, so a campaign killed
# with its session loses at most one slice per running target.
set -uo pipefail
cd "$(dirname "$0")/.."

build=build-fuzz
campaign=$build/fuzz-campaign
ledger=fuzz/ledger.tsv
budget=${FUZZ_CPU_SECONDS:-900}
parallel=${FUZZ_PARALLEL:-1}
slice=${FUZZ_SLICE_SECONDS:-300}
# The wall-clock limit per input while niced (FUZZ_TIMEOUT, default 120 s): on a machine loaded by
# other work a niced fuzzer can wait many seconds for the CPU. A timeout is then re-run alone at
# normal priority with the 10 s that `scripts/setup fuzz` uses (recheck_timeout below).
timeout=${FUZZ_TIMEOUT:-120}
ticks=$(getconf CLK_TCK)
# The commit the targets were built from: HEAD when the campaign starts, unless FUZZ_COMMIT says.
commit=${FUZZ_COMMIT:-$(git rev-parse --short HEAD)}
mkdir -p "$campaign"

spent() {  # spent TARGET: CPU seconds the ledger records for TARGET
  awk -F'\t' -v t="$1" '$3 == t { s += $4 } END { printf "%d\n", s }' "$ledger" 2>/dev/null || echo 0
}

summary() {
  printf '| target | CPU seconds | runs | executions | cov | ft | corpus | crashes | load timeouts |\n'
  printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
  awk -F'\t' '{
      t = $3; cpu[t] += $4; runs[t]++; ex[t] += $5
      if ($6 != "") cov[t] = $6
      if ($7 != "") ft[t] = $7
      if ($8 != "") corp[t] = $8
      if ($9 == "crash" || $9 == "timeout") cr[t]++
      if ($9 == "load-timeout") lt[t]++
    } END {
      for (t in cpu) printf "| %s | %d | %d | %d | %s | %s | %s | %d | %d |\n", t, cpu[t], runs[t], ex[t], cov[t], ft[t], corp[t], cr[t], lt[t]
    }' "$ledger" | sort
}

# libFuzzer's -timeout is wall-clock time (SIGALRM), and a fuzzer at nice 19 on a loaded machine
# can wait longer than that for the CPU (with 10 s, every slice ended in one within a few CPU
# seconds at a load average of 12). So a timeout (libFuzzer exits 70) is run again at once,
# at normal priority, alone: an input that then runs within the limit was slowed by the load, not
# by kdiag ("load-timeout": recorded, kept in NAME-load-timeouts/, and the target goes on); one
# that still times out is a finding ("timeout"), like a crash.
recheck_timeout() {  # recheck_timeout TARGET CORPUS LOG: prints the slice's result
  local target=$1 corpus=$2 log=$3 unit
  unit=$(sed -n "s/.*Test unit written to \(.*-timeout-[0-9a-f]*\).*/\1/p" "$log" | tail -n 1)
  if [ -n "$unit" ] && [ -f "$unit" ] && "$target" -timeout=10 -runs=1 "$unit" >>"$log" 2>&1; then
    mkdir -p "$corpus-load-timeouts"
    mv "$unit" "$corpus-load-timeouts/"
    echo load-timeout
  else
    echo timeout
  fi
}

run_slice() {  # run_slice PATH: one slice; fails after a crash or when no CPU was spent
  local target=$1 name seeds corpus log left pid stat cpu result rc execs cov ft units
  name=$(basename "$target")
  left=$((budget - $(spent "$name")))
  ((left > slice)) && left=$slice
  seeds=corpus/renderings
  [ -d "fuzz/corpus/${name#fuzz_}" ] && seeds="fuzz/corpus/${name#fuzz_}"
  corpus=$build/fuzz-corpus/$name
  log=$campaign/$name.$(date -u +%Y%m%dT%H%M%S).log
  mkdir -p "$corpus"
  echo "campaign: $name for $left CPU seconds (log $log)"
  nice -n 19 "$target" -max_len=65536 -timeout="$timeout" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$corpus-" "$corpus" "$seeds" >"$log" 2>&1 &
  pid=$!
  cpu=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
    # Fields after the parenthesised command name: utime is the 12th, stime the 13th of them.
    stat=${stat##*) }
    cpu=$(awk -v t="$ticks" '{ printf "%d\n", ($12 + $13) / t }' <<<"$stat")
    ((cpu >= left)) && kill -INT "$pid"
  done
  wait "$pid"
  rc=$?
  case $rc in
    0 | 72) result=ok ;;
    70) result=$(recheck_timeout "$target" "$corpus" "$log") ;;
    *) result=crash ;;
  esac
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  units=$(find "$corpus" -type f | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" \
    "$commit" "$name" "$cpu" "${execs:-0}" "$cov" "$ft" "$units" "$result" \
    >>"$ledger"
  case $result in ok | load-timeout) ;; *) false ;; esac || { echo "campaign: $name exited $rc; see $log"; tail -n 40 "$log"; return 1; }
  ((cpu > 0)) || { echo "campaign: $name spent no CPU time; see $log"; return 1; }
}

if [ "${1:-}" = "--summary" ]; then
  summary
  exit 0
fi
targets=("$@")
((${#targets[@]})) || targets=("$build"/fuzz/fuzz_*)
for target in "${targets[@]}"; do
  [ -x "$target" ] || { echo "campaign: no target $target (run scripts/setup fuzz first)" >&2; exit 2; }
done
# Round robin, one slice per target per round, so that every target has been fuzzed for a while
# before any has its whole budget. A target whose slice failed is out of the campaign.
stopped=$campaign/stopped
: >"$stopped"
while :; do
  pending=()
  for target in "${targets[@]}"; do
    name=$(basename "$target")
    grep -qx "$name" "$stopped" && continue
    (($(spent "$name") < budget)) && pending+=("$target")
  done
  ((${#pending[@]})) || break
  for target in "${pending[@]}"; do
    while (($(jobs -rp | wc -l) >= parallel)); do wait -n; done
    { run_slice "$target" || basename "$target" >>"$stopped"; } &
  done
  wait
done
summary
