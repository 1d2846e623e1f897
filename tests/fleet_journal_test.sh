#!/usr/bin/env bash
# The fleet path through journald's own shipping, with the real programs: systemd-journal-upload on
# each "node" sends its journal over HTTP to a "central" systemd-journal-remote (--listen-http on
# loopback, an unused high port, its output a private directory), and kdiag reads the central
# journal post-mortem with --journal DIR.
#
# Each node's journal is a real binary journal file, made by systemd-journal-remote from an
# export stream (`systemd-journal-remote --output=FILE -`, journal export format as
# `journalctl -o export` writes it) of kernel records: node A with two boots, node B with one,
# every record with _HOSTNAME, _BOOT_ID, __REALTIME_TIMESTAMP and the monotonic stamps. The test
# checks that
#   - kdiag on each node's journal (what the node saw) gives every record's host, boot id and
#     timestamp (__REALTIME_TIMESTAMP as RFC 3339 UTC with microseconds) as written;
#   - kdiag on the central directory gives, host by host, the same events: same host, boot id,
#     timestamp, monotonic time, fields and message (everything but "input" and the boot's index,
#     which counts boots within an input, and the centre's input holds both nodes);
#   - the central summary names both hosts and all three boot ids, and `--list-boots --output
#     ndjson` lists the three boots with their first times.
#
#   tests/fleet_journal_test.sh KDIAG_BINARY
# Skipped (exit 77) when systemd-journal-remote/-upload (Debian systemd-journal-remote) or python3
# are missing.
set -uo pipefail
kdiag=$(realpath "$1")
. "$(dirname "$0")/fleet_common.sh"

remote="" upload=""
for d in /lib/systemd /usr/lib/systemd; do
  [ -x "$d/systemd-journal-remote" ] && remote=${remote:-$d/systemd-journal-remote}
  [ -x "$d/systemd-journal-upload" ] && upload=${upload:-$d/systemd-journal-upload}
done
[ -n "$remote" ] && [ -n "$upload" ] ||
  skip "systemd-journal-remote/-upload not installed (Debian package systemd-journal-remote;" \
    "scripts/setup test)"
command -v python3 >/dev/null || skip "python3 not installed (scripts/setup test)"

# --- the nodes' journals ----------------------------------------------------------------------
# One export stream per node, and expected.json: per host, each message's host, boot id and
# timestamp as kdiag must report them.
python3 - "$T" <<'EOF' || fail "writing the export streams"
import datetime, json, os, sys

out = sys.argv[1]
boot_a1, boot_a2, boot_b = "a1" * 16, "a2" * 16, "b0" * 16
# (host, boot id, realtime in µs since the epoch, monotonic µs, message): real kernel messages.
t0 = 1772359200123456  # 2026-03-01T10:00:00.123456Z
records = [
    ("fleet-node-a", boot_a1, t0, 5000000, "tsc: Marking TSC unstable due to clocksource watchdog"),
    ("fleet-node-a", boot_a1, t0 + 1000123, 6000123, "e1000e 0000:00:19.0 eth0: NIC Link is Down"),
    ("fleet-node-a", boot_a2, t0 + 3600000001, 9500000,
     "EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: "
     "reading directory lblock 0"),
    ("fleet-node-b", boot_b, t0 + 42, 12000001, "igb 0000:03:00.0 enp3s0: NIC Link is Down"),
]
machine = {"fleet-node-a": "0d" * 16, "fleet-node-b": "0e" * 16}
expected = {}
streams = {}
for host, boot, realtime, mono, message in records:
    fields = [("__REALTIME_TIMESTAMP", realtime), ("__MONOTONIC_TIMESTAMP", mono + 50),
              ("_BOOT_ID", boot), ("_MACHINE_ID", machine[host]),
              ("_TRANSPORT", "kernel"), ("PRIORITY", 4), ("SYSLOG_FACILITY", 0),
              ("SYSLOG_IDENTIFIER", "kernel"), ("_SOURCE_MONOTONIC_TIMESTAMP", mono),
              ("_HOSTNAME", host), ("MESSAGE", message)]
    streams[host] = streams.get(host, "") + "".join("%s=%s\n" % f for f in fields) + "\n"
    when = datetime.datetime.fromtimestamp(realtime // 1000000, datetime.timezone.utc)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % (realtime % 1000000)
    expected.setdefault(host, []).append(
        {"host": host, "boot_id": boot, "timestamp": stamp, "message": message})
for host, text in streams.items():
    os.makedirs(os.path.join(out, host))
    with open(os.path.join(out, host, "node.export"), "w") as f:
        f.write(text)
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f)
EOF
nodes=(fleet-node-a fleet-node-b)
for name in "${nodes[@]}"; do
  timeout 60 "$remote" --output="$T/$name/system.journal" - <"$T/$name/node.export" \
    >"$T/$name/journal-remote.out" 2>&1 || fail "$name: systemd-journal-remote (export stream) failed"
  "$kdiag" --no-config --output ndjson --journal "$T/$name/system.journal" \
    >"$T/$name/node.ndjson" 2>"$T/$name/node.stderr" || fail "$name: kdiag --journal exited $?"
done

# --- the trip ---------------------------------------------------------------------------------
port=$(free_port) || fail "no free TCP port found"
mkdir -p "$T/central"
start_daemon "$T/central/journal-remote.out" "$remote" --listen-http="$port" \
  --output="$T/central/"
central=${DAEMONS[-1]}
wait_for 20 listening "$port" || fail "systemd-journal-remote does not listen on port $port"
for name in "${nodes[@]}"; do
  timeout 60 "$upload" --url="http://127.0.0.1:$port" --file="$T/$name/system.journal" \
    --save-state="$T/$name/upload.state" --follow=no >"$T/$name/journal-upload.out" 2>&1 ||
    fail "$name: systemd-journal-upload failed"
done
# SIGTERM: journal-remote writes what it received and closes its journal files.
stop_daemon "$central"
ls "$T"/central/*.journal >/dev/null 2>&1 || fail "systemd-journal-remote wrote no journal file"
"$kdiag" --no-config --output ndjson --journal "$T/central" >"$T/central/post-mortem.ndjson" \
  2>"$T/central/post-mortem.stderr" || fail "kdiag --journal on the central directory exited $?"
"$kdiag" --no-config --list-boots --output ndjson --journal "$T/central" \
  >"$T/central/boots.ndjson" 2>"$T/central/boots.stderr" || fail "kdiag --list-boots exited $?"

python3 - "$T" "${nodes[@]}" <<'EOF' || fail "see above"
import json, os, sys

out, hosts = sys.argv[1], sys.argv[2:]
expected = json.load(open(os.path.join(out, "expected.json")))

def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]

bad = []
central = read(os.path.join(out, "central", "post-mortem.ndjson"))
for host in hosts:
    node = [o for o in read(os.path.join(out, host, "node.ndjson")) if o["type"] == "event"]
    seen = [{k: e.get(k) for k in ("host", "boot_id", "timestamp", "message")} for e in node]
    if seen != expected[host]:
        bad.append("%s: the node's own events:\n%r\nnot as its journal has them:\n%r"
                   % (host, seen, expected[host]))
    strip = lambda e: {k: v for k, v in e.items() if k not in ("input", "boot")}
    arrived = [strip(e) for e in central if e["type"] == "event" and e.get("host") == host]
    if arrived != list(map(strip, node)):
        bad.append("%s: the central journal's events:\n%r\ndiffer from the node's:\n%r"
                   % (host, arrived, list(map(strip, node))))
    else:
        print("%s: %d events, host, boot ids and timestamps survived the trip" % (host, len(arrived)))
summary = [o for o in central if o["type"] == "summary"]
boots = sorted(r["boot_id"] for h in hosts for r in expected[h])
if len(summary) != 1 or sorted(summary[0].get("hosts", [])) != sorted(hosts) or \
        sorted(summary[0].get("boot_ids", [])) != sorted(set(boots)):
    bad.append("central summary's hosts and boot ids: %r" % summary)
# --list-boots --output ndjson: one object per boot, each boot id once, with its first time.
listed = read(os.path.join(out, "central", "boots.ndjson"))
first = {}
for h in hosts:
    for r in expected[h]:
        first.setdefault(r["boot_id"], r["timestamp"])
got = {b.get("boot_id"): b.get("first_timestamp") for b in listed if b.get("type") == "boot"}
if len(listed) != len(first) or got != first:
    bad.append("central --list-boots: %r, not one boot per id with its first time %r"
               % (listed, first))
for b in bad:
    print(b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
echo "PASSED: ${#nodes[@]} node journals -> systemd-journal-upload -> systemd-journal-remote" \
  "-> kdiag --journal"
