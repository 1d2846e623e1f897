# Shared by tests/fleet_*_test.sh, the fleet path through real daemons (sourced, not run).
#
# Each test starts private daemons, never the system's: their configurations, pid files, work
# directories and outputs live in one temporary directory ($T), they listen on loopback only, on a
# port nothing else listens on, and they are stopped by the EXIT trap whatever happens (SIGTERM,
# then SIGKILL after 10 s). Every wait is bounded. A missing daemon is a skip (exit 77, which ctest
# reports as skipped) with the package to install named on stderr; anything else that goes wrong
# is a failure, with the daemons' own output printed. KDIAG_KEEP_TEMP=1 keeps $T for a post-mortem.

skip() {
  echo "SKIPPED: $*" >&2
  exit 77
}

T=$(mktemp -d "${TMPDIR:-/tmp}/kdiag-fleet.XXXXXX") || exit 1
DAEMONS=()  # pids of the daemons started with start_daemon

fail() {
  echo "FAILED: $*" >&2
  local f
  for f in $(find "$T" -name '*.out' -o -name '*.stderr' | sort); do
    echo "--- ${f#"$T"/}" >&2
    tail -n 40 "$f" >&2
  done
  exit 1
}

# stop_daemon PID: SIGTERM, up to 10 s for it to exit, then SIGKILL. Returns its exit status.
stop_daemon() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return; }
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

cleanup() {
  local pid
  for pid in "${DAEMONS[@]}"; do stop_daemon "$pid"; done
  [ -n "${KDIAG_KEEP_TEMP:-}" ] && echo "kept $T" >&2 || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# start_daemon LOG COMMAND...: runs COMMAND in the background, stdout and stderr to LOG; the
# daemon's pid is the last element of DAEMONS.
start_daemon() {
  local log=$1
  shift
  "$@" >"$log" 2>&1 &
  DAEMONS+=($!)
}

# wait_for SECONDS COMMAND...: true as soon as COMMAND succeeds (polled every 0.1 s), false when
# SECONDS have passed without.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  while ! "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# listening PORT: something listens on TCP PORT (IPv4 or IPv6), from /proc/net/tcp{,6}: state 0A
# is LISTEN, the local port is the hex after the address's colon.
listening() {
  local hex
  hex=$(printf '%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'
}

# free_port: a port from 20000-59999 nothing listens on (the daemon may still lose a race for it;
# it then fails to start and the test fails saying so).
free_port() {
  local port i
  for ((i = 0; i < 50; i++)); do
    port=$((20000 + RANDOM % 40000))
    listening "$port" || { echo "$port"; return 0; }
  done
  return 1
}

# lines FILE: the number of lines in FILE (0 when it does not exist yet).
lines() {
  [ -f "$1" ] && wc -l <"$1" || echo 0
}
