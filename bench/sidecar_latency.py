#!/usr/bin/env python3
"""Sidecar latency: how long from a write until kdiag has written the event.

  bench/sidecar_latency.py build/kdiag [N]

Starts `kdiag --follow FILE` and `kdiag --kmsg --follow` (needs root: /dev/kmsg writes), then N
times: append one matching line (or write one /dev/kmsg record), poll the --output-file every
millisecond until the event is there. Prints median, p90, p99 and max in milliseconds. The idle
flush (100 ms: a record is held back until no more lines come, in case continuation lines follow)
is part of the figure by design.
"""
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

RULE = """[[rule]]
id       = "bench.sidecar.tick"
severity = "info"
source   = "kernel"
pattern  = '''kdiagbench-(?P<tag>[a-z0-9]+): tick (?P<n>\\d+)'''
summary  = "tick {n}"
  [[rule.example]]
  line   = "kdiagbench-abc: tick 1"
  fields = { tag = "abc", n = "1" }
"""


def wait_count(path, needle, count, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with open(path, "rb") as f:
                if f.read().count(needle) >= count:
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    return False


def measure(kdiag, args, write, out, tag, n):
    proc = subprocess.Popen([kdiag] + args, stderr=subprocess.PIPE)
    needle = f"kdiagbench-{tag}: tick".encode()
    # Ready: the first record's event came through.
    write(0)
    if not wait_count(out, needle, 1, 20):
        proc.kill()
        sys.exit("kdiag did not start: " + proc.stderr.read().decode())
    times = []
    for i in range(1, n + 1):
        start = time.monotonic()
        write(i)
        if not wait_count(out, needle, i + 1):
            sys.exit(f"event {i} never came")
        times.append((time.monotonic() - start) * 1000)
        time.sleep(random.uniform(0.01, 0.05))
    proc.send_signal(signal.SIGTERM)
    proc.wait(20)
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return f"median {pick(0.5):.1f}  p90 {pick(0.9):.1f}  p99 {pick(0.99):.1f}  max {times[-1]:.1f}"


def main():
    kdiag = sys.argv[1] if len(sys.argv) > 1 else "build/kdiag"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    tmp = tempfile.mkdtemp(prefix="kdiag-latency.")
    rules = os.path.join(tmp, "rules")
    os.mkdir(rules)
    with open(os.path.join(rules, "bench.toml"), "w") as f:
        f.write(RULE)
    tag = f"b{os.getpid()}"

    log, out = os.path.join(tmp, "kern.log"), os.path.join(tmp, "file.ndjson")
    open(log, "w").close()

    def append(i):
        with open(log, "a") as f:
            f.write(f"[{100 + i:5d}.000000] kdiagbench-{tag}: tick {i}\n")

    print(f"file   (n={n}):", measure(kdiag, ["--follow", log, "--rules", rules,
                                              "--output-file", out], append, out, tag, n))
    if os.access("/dev/kmsg", os.W_OK):
        out = os.path.join(tmp, "kmsg.ndjson")

        def kmsg(i):
            with open("/dev/kmsg", "w") as f:
                f.write(f"<6>kdiagbench-{tag}: tick {i}\n")

        print(f"kmsg   (n={n}):", measure(kdiag, ["--kmsg", "--follow", "--rules",
                                                  rules, "--output-file", out], kmsg, out, tag, n))


if __name__ == "__main__":
    main()
