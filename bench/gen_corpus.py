#!/usr/bin/env python3
"""Deterministic synthetic dom0 dmesg corpus for kdiag's end-to-end benchmark (bench/e2e.sh).

    bench/gen_corpus.py [--size-mb 400] [--seed 20261123] [--rate 0.002] [--rules DIR] [-o FILE]

Writes at least --size-mb * 10^6 bytes of "[%5d.%06d] message" lines, the text `dmesg` prints on
a Xen dom0: steady-state chatter (network and bridge ports of guest vifs, blkback, block devices
and file systems, audit records, systemd-ish messages, USB hot-plug, firewall log lines, timer and
perf warnings) and, now and then, a reboot: a new "Linux version" banner, memory map, ACPI and PCI
enumeration, time stamps starting again from zero.

About --rate of the lines (default 0.2%) are "interesting": every `line = "..."` example of the
rules in --rules (default: the repository's rules/) is used in turn, with its prefixes (syslog
header, "<pri>", "[time]") replaced by the generated time stamp; its continuation lines follow it
with the same stamp. Examples printed by Xen or a guest ("(XEN) ...", "(d7) ...") keep their own
form, as on a serial console where they interleave with dom0's lines. The PCI enumeration lines
of each boot also match a shipped rule (pci.device.enumerated), as do its "PCI bridge to [bus 01]"
(pci.bridge.buses) and "xen_pciback: backend is vpci"; of the USB hot-plug chatter, "USB
disconnect" (usb.disconnect) and "scsi hostN: usb-storage" (usb.storage.scsi_host), and the
netfilter chatter's "nf_conntrack: table full" (net.conntrack.table_full) and "Possible SYN
flooding" (net.tcp.syn_cookies): they are counted as interesting. Nothing else matches a rule: tests/bench_corpus_test.cc
checks that kdiag finds exactly the interesting lines of a --rate 0 corpus.

Same arguments, same bytes, on any machine (one seeded random.Random, only random() used).
A summary (lines, bytes, interesting lines, boots) goes to stderr.
"""

import argparse
import os
import random
import re
import sys
import tomllib

SYSLOG = re.compile(r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [^\s:]+: ")
PRI = re.compile(r"^<\d+>")
STAMP = re.compile(r"^\[\s*\d+\.\d+\] ")
NATIVE = re.compile(r"^\((?:XEN|d\d+)\) ")


def strip_prefixes(line):
    """The message of an example line without syslog header, <pri> and kernel time stamp."""
    line = SYSLOG.sub("", line, count=1)
    line = PRI.sub("", line, count=1)
    line = STAMP.sub("", line, count=1)
    return line


def load_examples(rules_dir):
    """[(native, [message, continuation...])] from every [[rule.example]] in rules_dir/*.toml."""
    out = []
    for name in sorted(os.listdir(rules_dir)):
        if not name.endswith(".toml"):
            continue
        with open(os.path.join(rules_dir, name), "rb") as f:
            doc = tomllib.load(f)
        for rule in doc.get("rule", []):
            for ex in rule.get("example", []):
                lines = [ex["line"]] + list(ex.get("continuation", []))
                native = bool(NATIVE.match(lines[0]))
                out.append((native, lines if native else [strip_prefixes(l) for l in lines]))
    if not out:
        sys.exit(f"gen_corpus: no rule examples in {rules_dir}")
    return out


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed).random

    def below(self, n):
        return int(self.r() * n)

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]


GUEST_NAMES = ["web01", "db02", "build", "mail", "ci-runner", "backup", "dns1", "vpn"]
UNITS = ["cron.service", "logrotate.service", "apt-daily.service", "xen-watchdog.service",
         "xendomains.service", "man-db.service", "fstrim.service", "sysstat-collect.service",
         "e2scrub_all.service", "systemd-tmpfiles-clean.service"]
PROGS = ["/usr/sbin/ntpd", "/usr/bin/man", "/usr/sbin/tcpdump", "lsb_release", "nvidia_modprobe",
         "/usr/lib/NetworkManager/nm-dhcp-client.action", "/usr/sbin/cupsd"]
USB_DEVS = [("0781", "5567", "SanDisk", "Cruzer Blade"), ("046d", "c52b", "Logitech", "USB Receiver"),
            ("0951", "1666", "Kingston", "DataTraveler 3.0"), ("413c", "2113", "Dell", "KB216 Keyboard")]
NICS = ["eno1", "eno2", "enp3s0f0", "enp3s0f1"]


def steady(g, vif_dom):
    """One ordinary dom0 message of a healthy host (no rule matches it: tests/bench_corpus_test.cc).

    A physical NIC's "NIC Link is Down" was chatter here until net.link.down reported it: 42,000
    link drops per 400 MB are a flapping link, not a healthy host's steady state. Its "NIC Link is
    Up" went the same way when net.link.up became the fact that settles a drop; a "changing MTU"
    line (igb_change_mtu) takes its place."""
    k = g.below(100)
    d = vif_dom
    if k < 14:
        port = 2 + g.below(12)
        state = g.pick(["entered blocking state", "entered forwarding state", "entered disabled state"])
        return f"xenbr0: port {port}(vif{d}.0) {state}"
    if k < 20:
        return g.pick([f"device vif{d}.0 entered promiscuous mode",
                       f"device vif{d}.0 left promiscuous mode",
                       f"IPv6: ADDRCONF(NETDEV_CHANGE): vif{d}.0: link becomes ready",
                       f"vif vif-{d}-0 vif{d}.0: Guest Rx ready",
                       f"xen-netback: vif{d}.0: netback: reading guest rx ring request list"])
    if k < 30:
        q = 1 + g.below(4)
        return g.pick([f"xen-blkback: backend/vbd/{d}/51712: using {q} queues, protocol 1 (x86_64-abi) persistent grants",
                       f"xen-blkback: backend/vbd/{d}/51728: using {q} queues, protocol 1 (x86_64-abi) persistent grants",
                       f"blkback: ring-ref {8 + g.below(4000)}, event-channel {20 + g.below(200)}, protocol 1 (x86_64-abi) persistent grants",
                       f"xen-blkback: backend/vbd/{d}/51712: prepare for reconnect"])
    if k < 44:
        t = 1700000000 + g.below(90000000)
        if g.below(2):
            prog = g.pick(PROGS)
            return (f"audit: type=1400 audit({t}.{g.below(1000):03d}:{g.below(100000)}): apparmor=\"DENIED\" "
                    f"operation=\"open\" profile=\"{prog}\" name=\"/proc/{g.below(40000)}/status\" "
                    f"pid={g.below(40000)} comm=\"{os.path.basename(prog)[:15]}\" requested_mask=\"r\" "
                    f"denied_mask=\"r\" fsuid=0 ouid=0")
        unit = g.pick(UNITS)
        kind = g.pick(["1130", "1131"])
        return (f"audit: type={kind} audit({t}.{g.below(1000):03d}:{g.below(100000)}): pid=1 uid=0 "
                f"auid=4294967295 ses=4294967295 subj=unconfined msg='unit={unit[:-8]} comm=\"systemd\" "
                f"exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'")
    if k < 56:
        n = g.below(20000)
        return g.pick([f"systemd[1]: Started session-{n}.scope - Session {n} of User root.",
                       f"systemd[1]: session-{n}.scope: Deactivated successfully.",
                       f"systemd[1]: {g.pick(UNITS)}: Deactivated successfully.",
                       f"systemd[1]: Starting {g.pick(UNITS)}...",
                       f"systemd-journald[{200 + g.below(200)}]: Data hash table of /var/log/journal/system.journal has a fill level at 75.0 ({n} of {n + 20000} items), suggesting rotation.",
                       f"systemd-logind[{500 + g.below(300)}]: New session {n} of user root."])
    if k < 64:
        dev = g.pick(["sda", "sdb", "nvme0n1", "dm-0", "dm-3", "md0"])
        return g.pick([f"EXT4-fs ({dev}): mounted filesystem with ordered data mode. Quota mode: none.",
                       f"EXT4-fs ({dev}): re-mounted. Quota mode: none.",
                       f"sd {g.below(4)}:0:0:0: [sdb] Synchronizing SCSI cache",
                       f"sd {g.below(4)}:0:0:0: [sdb] {976773168 + g.below(100000)} 512-byte logical blocks: (500 GB/466 GiB)",
                       f"md: data-check of RAID array md0",
                       f"md: md0: data-check done.",
                       f"dm-{g.below(8)}: detected capacity change from 0 to {g.below(1 << 30) * 8}"])
    if k < 70:
        bus, dev = 1 + g.below(4), 2 + g.below(60)
        vid, pid, mfr, prod = g.pick(USB_DEVS)
        return g.pick([f"usb {bus}-{1 + g.below(6)}: new high-speed USB device number {dev} using xhci_hcd",
                       f"usb {bus}-1: New USB device found, idVendor={vid}, idProduct={pid}, bcdDevice= 1.00",
                       f"usb {bus}-1: Product: {prod}",
                       f"usb {bus}-1: Manufacturer: {mfr}",
                       f"usb-storage {bus}-1:1.0: USB Mass Storage device detected",
                       f"scsi host{6 + g.below(4)}: usb-storage {bus}-1:1.0",
                       f"usb {bus}-1: USB disconnect, device number {dev}"])
    if k < 82:
        nic = g.pick(NICS)
        src = f"{g.below(224)}.{g.below(256)}.{g.below(256)}.{g.below(256)}"
        return (f"[UFW BLOCK] IN={nic} OUT= MAC=3c:ec:ef:{g.below(256):02x}:{g.below(256):02x}:{g.below(256):02x}:"
                f"00:1c:73:00:00:99:08:00 SRC={src} DST=192.0.2.{1 + g.below(250)} LEN={40 + g.below(1400)} "
                f"TOS=0x00 PREC=0x00 TTL={32 + g.below(200)} ID={g.below(65536)} PROTO=TCP "
                f"SPT={1024 + g.below(64000)} DPT={g.pick([22, 23, 80, 443, 3389, 8080])} WINDOW=1024 RES=0x00 SYN URGP=0")
    if k < 88:
        nic = g.pick(NICS)
        return g.pick([f"igb 0000:03:00.{g.below(2)} {nic}: changing MTU from 1500 to 9000",
                       f"device {nic} entered promiscuous mode",
                       f"bond0: (slave {nic}): link status definitely up, 1000 Mbps full duplex",
                       f"net_ratelimit: {1 + g.below(300)} callbacks suppressed",
                       f"TCP: request_sock_TCP: Possible SYN flooding on port {g.pick([22, 80, 443])}. Sending cookies.  Check SNMP counters."])
    if k < 94:
        return g.pick([f"perf: interrupt took too long ({2500 + g.below(3000)} > {2500 + g.below(500)}), lowering kernel.perf_event_max_sample_rate to {40000 + g.below(40000)}",
                       f"hrtimer: interrupt took {10000 + g.below(900000)} ns",
                       f"kauditd_printk_skb: {1 + g.below(60)} callbacks suppressed",
                       f"xen:balloon: Cannot add additional memory (-17)",
                       f"xen_mcelog: /dev/mcelog registered by Xen",
                       f"loop{g.below(8)}: detected capacity change from 0 to {g.below(400000) * 8}"])
    return g.pick([f"xen-netback: vif{d}.0: Guest Rx stalled",
                   f"xen-netback: vif{d}.0: Guest Rx ready",
                   f"xenbus_probe_frontend: Waiting for devices to initialise: {g.below(300)}s...",
                   f"gntdev: grant table {g.below(65536)} mapped at 0x{g.below(1 << 32):x}",
                   f"nf_conntrack: nf_conntrack: table full, dropping packet",
                   f"{GUEST_NAMES[g.below(len(GUEST_NAMES))]}: started by xendomains"])


PCI_DEVICES = [  # (bdf, vendor, device, class) of a plausible server's bus
    ("0000:00:00.0", "8086", "2020", "0x060000"), ("0000:00:04.0", "8086", "2021", "0x088000"),
    ("0000:00:14.0", "8086", "a1af", "0x0c0330"), ("0000:00:17.0", "8086", "a182", "0x010601"),
    ("0000:00:1c.0", "8086", "a190", "0x060400"), ("0000:00:1f.0", "8086", "a1c1", "0x060100"),
    ("0000:00:1f.2", "8086", "a1a1", "0x058000"), ("0000:02:00.0", "102b", "0536", "0x030000"),
    ("0000:03:00.0", "8086", "1521", "0x020000"), ("0000:03:00.1", "8086", "1521", "0x020000"),
    ("0000:07:10.1", "8086", "1520", "0x020000"), ("0000:13:04.0", "8086", "10b5", "0x020000"),
]


def boot_header(g, boot):
    """The first lines of a boot, as (seconds, microseconds, message); some PCI ones match."""
    msgs = [
        f"Linux version 6.1.0-{20 + boot}-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.{100 + boot}-1 (2024-11-01)",
        "Command line: placeholder root=/dev/mapper/vg0-root ro quiet console=hvc0 earlyprintk=xen",
        "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'",
        "Released 0 page(s)",
        "BIOS-provided physical RAM map:",
        "Xen: [mem 0x0000000000000000-0x000000000009ffff] usable",
        "Xen: [mem 0x00000000000a0000-0x00000000000fffff] reserved",
        f"Xen: [mem 0x0000000000100000-0x00000000{0x3fffffff + g.below(4) * 0x40000000:08x}] usable",
        "NX (Execute Disable) protection: active",
        "DMI: Supermicro X11SSH-F/X11SSH-F, BIOS 2.6 10/20/2022",
        "Hypervisor detected: Xen PV",
        "tsc: Fast TSC calibration using PIT",
        "ACPI: Early table checksum verification disabled",
        "ACPI: RSDP 0x00000000000F05B0 000024 (v02 SUPERM)",
        "ACPI: FACP 0x000000007B6A3A18 00010C (v05 SUPERM SMCI--MB 01072009 AMI  00010013)",
        "Zone ranges:",
        "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]",
        "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]",
        "ACPI: Using IOAPIC for interrupt routing",
        "PCI: Using host bridge windows from ACPI; if necessary, use \"pci=nocrs\" and report a bug",
        "ACPI: PCI Root Bridge [PCI0] (domain 0000 [bus 00-fe])",
        "pci_bus 0000:00: root bus resource [io  0x0000-0x0cf7 window]",
    ]
    interesting = 0
    for bdf, ven, dev, cls in PCI_DEVICES:
        msgs.append(f"pci {bdf}: [{ven}:{dev}] type {'01' if cls == '0x060400' else '00'} class {cls}")
        msgs.append(f"pci {bdf}: reg 0x10: [mem 0x{0xf7000000 + g.below(0x800000):08x}-0x{0xf7800000:08x} 64bit]")
        interesting += 1
    msgs += [
        "pci 0000:00:1c.0: PCI bridge to [bus 01]",
        "xen:balloon: Initialising balloon driver",
        "xen_mcelog: /dev/mcelog registered by Xen",
        "clocksource: Switched to clocksource xen",
        "NET: Registered PF_INET protocol family",
        "Freeing unused kernel image (initmem) memory: 2796K",
        "Run /init as init process",
        "EXT4-fs (dm-0): mounted filesystem with ordered data mode. Quota mode: none.",
        "systemd[1]: systemd 252.39-1~deb12u1 running in system mode (+PAM +AUDIT +SELINUX +APPARMOR)",
        "systemd[1]: Detected virtualization xen.",
        "systemd[1]: Hostname set to <xenhost>.",
        "xen_pciback: backend is vpci",
        "Bridge firewalling registered",
        "xenbr0: port 1(eno1) entered forwarding state",
    ]
    # "PCI bridge to [bus 01]" matches pci.bridge.buses, "xen_pciback: backend is vpci"
    # xen.pciback.backend_mode.
    interesting += 2
    return msgs, interesting


# The steady chatter's lines that match a rule (facts of the USB hot-plug, a full conntrack table and
# SYN cookies on a busy dom0): counted as interesting.
RULE_CHATTER = re.compile(r"^usb \d+-[\d.]+: USB disconnect, device number |^scsi host\d+: usb-storage "
                          r"|^nf_conntrack: (?:nf_conntrack: )?table full|^TCP: .*Possible SYN flooding")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--size-mb", type=float, default=400, help="output size in 10^6 bytes")
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--rate", type=float, default=0.002, help="fraction of rule example lines")
    ap.add_argument("--rules", default=os.path.join(here, "..", "rules"))
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()

    examples = load_examples(a.rules)
    g = Gen(a.seed)
    target = int(a.size_mb * 1_000_000)
    # Reboots: one per ~100 MB, at positions fixed by the seed.
    reboot_every = 100_000_000
    out = sys.stdout.buffer if a.output == "-" else open(a.output, "wb")

    written = lines = interesting = 0
    boot = 0
    next_reboot = 0
    usec = 0
    next_example = 0
    vif_dom = 1
    buf = []
    buf_bytes = 0

    def emit(text):
        nonlocal buf_bytes, lines
        buf.append(text)
        buf_bytes += len(text)
        lines += 1

    while written + buf_bytes < target:
        if written + buf_bytes >= next_reboot:
            msgs, n = boot_header(g, boot)
            usec = 0
            for m in msgs:
                emit("[%5d.%06d] %s\n" % (usec // 1000000, usec % 1000000, m))
                usec += g.below(4000)
            interesting += n
            boot += 1
            next_reboot += int(reboot_every * (0.5 + g.r()))
            vif_dom = 1
        usec += 1 + g.below(40000)
        if g.below(400) == 0:
            vif_dom += 1  # guests come and go: a new domain id now and then
        stamp = "[%5d.%06d] " % (usec // 1000000, usec % 1000000)
        if g.r() < a.rate:
            native, ex_lines = examples[next_example % len(examples)]
            next_example += 1
            for l in ex_lines:
                emit(l + "\n" if native else stamp + l + "\n")
            interesting += 1
        else:
            chatter = steady(g, vif_dom)
            emit(stamp + chatter + "\n")
            if RULE_CHATTER.search(chatter):
                interesting += 1
        if buf_bytes >= 1 << 20:
            data = "".join(buf).encode()
            out.write(data)
            written += len(data)
            buf.clear()
            buf_bytes = 0
    data = "".join(buf).encode()
    out.write(data)
    written += len(data)
    out.flush()
    if out is not sys.stdout.buffer:
        out.close()
    print(f"gen_corpus: {written} bytes, {lines} lines, {interesting} interesting "
          f"({100.0 * interesting / max(lines, 1):.3f}%), {boot} boots, seed {a.seed}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
