#!/usr/bin/env bash
# The fleet path through rsyslog, with real daemons: two "node" rsyslogd instances and one
# "central" rsyslogd, all private (their own configuration, pid file and work directory under a
# temporary directory, `rsyslogd -n -f CONF -i PIDFILE`; loopback only, an unused high port).
#
# Each node reads its kernel log with imfile (Tag "kernel:") and
#   - hands every line to kdiag through omprog (`kdiag --omprog`, confirmMessages="on", the
#     template RSYSLOG_FileFormat, as contrib/rsyslog/30-kdiag.conf.in does), which writes its
#     events to the node's events.ndjson: what the node saw;
#   - forwards the same lines over RELP (omrelp) to the central instance;
#   - reads kdiag's events.ndjson back with imfile (Tag "kdiag:") and forwards them over RELP too:
#     the node's shipper carrying kdiag's events (README "Fleet").
# The node's host name is set with global(localHostname=...), so it differs from this machine's.
# Messages travel in omrelp's default template, RSYSLOG_ForwardFormat (RFC 3339 time with
# microseconds, host, tag). Not RSYSLOG_SyslogProtocol23Format: its tag arrives without the colon
# ("host kernel [ 5.000000] ..." in the central file), which is not a syslog line kdiag reads.
#
# The central instance (imrelp) writes per-host files, a dynaFile template on %HOSTNAME%:
# hosts/<host>/kern.log (RSYSLOG_FileFormat) and hosts/<host>/kdiag.ndjson (the message only).
# The test then checks that
#   - there is one directory per node, named after it;
#   - the events kdiag wrote on each node arrive unchanged, in order, in the central copy;
#   - kdiag run post-mortem on the central kern.log of each node finds the same events with the
#     same host, timestamp, monotonic time, fields and message as the node's kdiag did (everything
#     but "input"), the host being the node's and the timestamp one taken during the test.
#
#   tests/fleet_relp_test.sh KDIAG_BINARY
# Skipped (exit 77) when rsyslogd, its RELP modules (Debian rsyslog-relp) or python3 are missing.
set -uo pipefail
kdiag=$(realpath "$1")
. "$(dirname "$0")/fleet_common.sh"

rsyslogd=/usr/sbin/rsyslogd
[ -x "$rsyslogd" ] || skip "rsyslogd not installed (Debian package rsyslog; scripts/setup test)"
# rsyslogd loads modules from its compiled-in directory; Debian's is /usr/lib/<triplet>/rsyslog.
found_relp=$(ls /usr/lib/*/rsyslog/omrelp.so /usr/lib/rsyslog/omrelp.so 2>/dev/null | head -1)
[ -n "$found_relp" ] && [ -f "$(dirname "$found_relp")/imrelp.so" ] ||
  skip "rsyslog's RELP modules omrelp/imrelp not installed (Debian package rsyslog-relp;" \
    "scripts/setup test)"
command -v python3 >/dev/null || skip "python3 not installed (scripts/setup test)"

port=$(free_port) || fail "no free TCP port found"
started=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)

# --- central ----------------------------------------------------------------------------------
mkdir -p "$T/central/work" "$T/central/hosts"
cat >"$T/central/rsyslog.conf" <<EOF
global(workDirectory="$T/central/work" maxMessageSize="64k")
module(load="imrelp")
template(name="hostKernel" type="string" string="$T/central/hosts/%HOSTNAME%/kern.log")
template(name="hostEvents" type="string" string="$T/central/hosts/%HOSTNAME%/kdiag.ndjson")
template(name="messageOnly" type="string" string="%msg:::drop-last-lf%\n")
ruleset(name="fromNodes") {
  if \$programname == "kdiag" then {
    action(type="omfile" dynaFile="hostEvents" template="messageOnly" flushInterval="0")
  } else {
    action(type="omfile" dynaFile="hostKernel" template="RSYSLOG_FileFormat" flushInterval="0")
  }
}
input(type="imrelp" port="$port" address="127.0.0.1" maxDataSize="64k" ruleset="fromNodes")
EOF
start_daemon "$T/central/rsyslogd.out" "$rsyslogd" -n -f "$T/central/rsyslog.conf" \
  -i "$T/central/rsyslogd.pid"
central=${DAEMONS[-1]}
wait_for 20 listening "$port" || fail "the central rsyslogd does not listen on 127.0.0.1:$port"

# --- nodes ------------------------------------------------------------------------------------
# start_node NAME: a node rsyslogd whose host name is NAME, reading $T/NAME/kern.log.
start_node() {
  local n=$T/$1
  mkdir -p "$n/work"
  : >"$n/kern.log"
  cat >"$n/rsyslog.conf" <<EOF
global(workDirectory="$n/work" localHostname="$1" maxMessageSize="64k")
module(load="imfile")
module(load="omprog")
module(load="omrelp")
input(type="imfile" File="$n/kern.log" Tag="kernel:" Facility="kern" Severity="notice"
      ruleset="kernel")
input(type="imfile" File="$n/events.ndjson" Tag="kdiag:" Facility="local5" Severity="info"
      ruleset="events")
ruleset(name="kernel") {
  action(type="omprog" name="kdiag" confirmMessages="on" confirmTimeout="120000"
         template="RSYSLOG_FileFormat" output="$n/kdiag.stderr"
         binary="$kdiag --omprog --no-config --output-file $n/events.ndjson")
  action(type="omrelp" target="127.0.0.1" port="$port")
}
ruleset(name="events") {
  action(type="omrelp" target="127.0.0.1" port="$port")
}
EOF
  start_daemon "$n/rsyslogd.out" "$rsyslogd" -n -f "$n/rsyslog.conf" -i "$n/rsyslogd.pid"
}

# Console lines with the kernel's stamp, as a node's kernel log has them; each node its own.
declare -A log
log[fleet-node-a]='[    5.000000] tsc: Marking TSC unstable due to clocksource watchdog
[    6.000123] e1000e 0000:00:19.0 eth0: NIC Link is Down
[    9.500000] EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0'
log[fleet-node-b]='[   12.000001] igb 0000:03:00.0 enp3s0: NIC Link is Down
[   13.250000] tsc: Marking TSC unstable due to clocksource watchdog'
nodes=(fleet-node-a fleet-node-b)
nodepids=()
for name in "${nodes[@]}"; do
  start_node "$name"
  nodepids+=("${DAEMONS[-1]}")
done
# Appended one line at a time, as a kernel writes them.
for name in "${nodes[@]}"; do
  while IFS= read -r line; do
    printf '%s\n' "$line" >>"$T/$name/kern.log"
    sleep 0.2
  done <<<"${log[$name]}"
done

# --- the trip ---------------------------------------------------------------------------------
events() {
  local n=0
  [ -f "$1" ] && n=$(grep -c '"type":"event"' "$1")
  echo "${n:-0}"
}
for name in "${nodes[@]}"; do
  want=$(wc -l <<<"${log[$name]}")
  has() { [ "$("$@")" -ge "$want" ]; }
  # kdiag's start (rules compiled, or read from the cache) may take seconds on a loaded machine.
  wait_for 120 has events "$T/$name/events.ndjson" ||
    fail "$name: kdiag (omprog) wrote $(events "$T/$name/events.ndjson") of $want events"
  wait_for 60 has lines "$T/central/hosts/$name/kern.log" ||
    fail "$name: the central kern.log has $(lines "$T/central/hosts/$name/kern.log") of $want lines"
  wait_for 60 has events "$T/central/hosts/$name/kdiag.ndjson" ||
    fail "$name: the central copy of kdiag's events has" \
      "$(events "$T/central/hosts/$name/kdiag.ndjson") of $want"
done
for pid in "${nodepids[@]}" "$central"; do stop_daemon "$pid"; done
finished=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)

hosts=$(ls "$T/central/hosts" | tr '\n' ' ')
[ "$hosts" = "${nodes[*]} " ] || fail "central per-host directories: '$hosts', not '${nodes[*]} '"

# --- post-mortem at the centre ----------------------------------------------------------------
for name in "${nodes[@]}"; do
  "$kdiag" --no-config --output ndjson "$T/central/hosts/$name/kern.log" \
    >"$T/$name/post-mortem.ndjson" 2>"$T/$name/post-mortem.stderr" ||
    fail "$name: kdiag on the central kern.log exited $?"
  python3 - "$name" "$T/$name/events.ndjson" "$T/central/hosts/$name/kdiag.ndjson" \
    "$T/$name/post-mortem.ndjson" "$started" "$finished" <<'EOF' || fail "$name: see above"
import json, sys

host, node_file, relayed_file, post_file, started, finished = sys.argv[1:]

def read(path, kind):
    with open(path) as f:
        return [o for o in map(json.loads, filter(str.strip, f)) if o["type"] == kind]

node = read(node_file, "event")
relayed = read(relayed_file, "event")
post = read(post_file, "event")
bad = []
if relayed != node:
    bad.append("the events relayed over RELP differ from the node's:\n%r\n%r" % (relayed, node))
strip = lambda e: {k: v for k, v in e.items() if k != "input"}
if list(map(strip, post)) != list(map(strip, node)):
    bad.append("post-mortem events differ from the node's:\n%r\n%r"
               % (list(map(strip, post)), list(map(strip, node))))
for e in post:
    # RFC 3339 UTC with microseconds compares as text.
    if e.get("host") != host or e.get("timestamp_source") != "log" or \
            not started <= e.get("timestamp", "") <= finished:
        bad.append("host, timestamp or source wrong (the test ran %s to %s): %r"
                   % (started, finished, e))
summary = [o for o in map(json.loads, open(post_file)) if o["type"] == "summary"]
if len(summary) != 1 or summary[0].get("hosts") != [host]:
    bad.append("post-mortem summary's hosts: %r" % summary)
for b in bad:
    print("%s: %s" % (host, b), file=sys.stderr)
if bad:
    sys.exit(1)
print("%s: %d events: host and timestamps survived the trip (%s .. %s)"
      % (host, len(post), post[0]["timestamp"] if post else "-", post[-1]["timestamp"] if post else "-"))
EOF
done
echo "PASSED: ${#nodes[@]} nodes -> RELP -> central per-host files -> kdiag post-mortem"
