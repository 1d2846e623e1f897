// Deterministic in-memory inputs shared by the micro benchmarks (header only; the bench target
// globs *_bench.cc, so this file is not a translation unit of its own).
//
// TypicalDmesgText() is ordinary dom0 chatter in "[%5lu.%06lu] message" form: the lines that
// match no rule, i.e. the common case. ShippedExampleRecords() are the `line = "..."` examples of
// the embedded rules, framed into records: lines that do match.
#ifndef KDIAG_BENCH_BENCH_DATA_H_
#define KDIAG_BENCH_BENCH_DATA_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzer/input/framers/console_framer.h"
#include "analyzer/input/record.h"
#include "analyzer/match/rule_file.h"

namespace kdiag::bench {

// Small fixed-seed generator (xorshift64*): same data on every machine and every run.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed ? seed : 1) {}
  uint64_t Next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(Next() % n); }

 private:
  uint64_t s_;
};

// One ordinary (non-matching) kernel message, chosen and filled in from `rng`.
inline std::string TypicalMessage(Rng& rng) {
  char buf[256];
  const unsigned a = rng.Below(256), b = rng.Below(32), c = rng.Below(8), d = rng.Below(100000);
  switch (rng.Below(14)) {
    case 0:
      std::snprintf(buf, sizeof buf, "usb 1-%u: new high-speed USB device number %u using ehci-pci",
                    c + 1, b + 2);
      break;
    case 1:
      std::snprintf(buf, sizeof buf,
                    "e1000e 0000:00:19.0 eth%u: NIC Link is Up 1000 Mbps Full Duplex, Flow "
                    "Control: Rx/Tx",
                    c);
      break;
    case 2:
      std::snprintf(buf, sizeof buf, "vif%u.0: renamed from eth%u", a, c);
      break;
    case 3:
      std::snprintf(buf, sizeof buf, "xenbr0: port %u(vif%u.0) entered forwarding state", c + 2, a);
      break;
    case 4:
      std::snprintf(buf, sizeof buf,
                    "audit: type=1400 audit(%u.%03u:%u): apparmor=\"STATUS\" "
                    "operation=\"profile_load\" profile=\"unconfined\" name=\"/usr/sbin/ntpd\" "
                    "pid=%u comm=\"apparmor_parser\"",
                    1700000000u + d, a % 1000, d % 997, 400 + d % 3000);
      break;
    case 5:
      std::snprintf(buf, sizeof buf,
                    "EXT4-fs (dm-%u): mounted filesystem with ordered data mode. Quota mode: none.",
                    c);
      break;
    case 6:
      std::snprintf(buf, sizeof buf,
                    "sd %u:0:0:0: [sd%c] %u 512-byte logical blocks: (%u GB/%u GiB)", b % 4,
                    'a' + static_cast<char>(c), 976773168u + d, 500 + a, 465 + a);
      break;
    case 7:
      std::snprintf(buf, sizeof buf, "blkback: backend/vbd/%u/%u: using %u queues, protocol 1", a,
                    51712 + 16 * c, 1 + c % 4);
      break;
    case 8:
      std::snprintf(buf, sizeof buf,
                    "systemd[1]: Started session-%u.scope - Session %u of User root.", d, d);
      break;
    case 9:
      std::snprintf(buf, sizeof buf, "xen-blkback: backend/vbd/%u/51712: prepare for reconnect", a);
      break;
    case 10:
      std::snprintf(buf, sizeof buf, "IPv6: ADDRCONF(NETDEV_CHANGE): vif%u.0: link becomes ready",
                    a);
      break;
    case 11:
      std::snprintf(buf, sizeof buf,
                    "nf_conntrack: default automatic helper assignment has been turned off");
      break;
    case 12:
      std::snprintf(buf, sizeof buf, "ACPI: \\_SB_.PCI0.LPCB.HPET: Enabled at IRQ %u", 8 + b);
      break;
    default:
      std::snprintf(buf, sizeof buf,
                    "TCP: request_sock_TCP: Possible SYN flooding on port %u. Sending cookies.",
                    1024 + d % 60000);
      break;
  }
  return buf;
}

// `lines` "[%5lu.%06lu] message\n" lines with increasing time stamps.
inline std::string TypicalDmesgText(size_t lines, uint64_t seed = 42) {
  Rng rng(seed);
  std::string text;
  text.reserve(lines * 90);
  uint64_t usec = 1000000;
  char stamp[40];
  for (size_t i = 0; i < lines; ++i) {
    usec += 1 + rng.Below(50000);
    std::snprintf(stamp, sizeof stamp, "[%5lu.%06lu] ", static_cast<unsigned long>(usec / 1000000),
                  static_cast<unsigned long>(usec % 1000000));
    text += stamp;
    text += TypicalMessage(rng);
    text += '\n';
  }
  return text;
}

// The lines of `text` as views (text must outlive them).
inline std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
  return out;
}

// Frames lines into records with a fresh ConsoleFramer (outside any timed region).
inline std::vector<Record> FrameLines(const std::vector<std::string_view>& lines) {
  std::vector<Record> records;
  ConsoleFramer framer("bench");
  RecordSink sink = [&records](Record&& r) { records.push_back(std::move(r)); };
  uint64_t number = 0;
  for (std::string_view line : lines) framer.Line(line, ++number, sink);
  framer.Finish(sink);
  return records;
}

// Every example line of the embedded rules (they all match their rule), one record each.
// Examples may carry continuation lines; those are left out so each record stands alone.
inline std::vector<Record> ShippedExampleRecords() {
  std::vector<Rule> rules;
  if (auto err = LoadEmbeddedRules(&rules)) return {};
  std::vector<Record> records;
  for (const Rule& rule : rules) {
    for (const RuleExample& ex : rule.examples) {
      std::vector<Record> one = FrameLines({std::string_view(ex.line)});
      for (Record& r : one) records.push_back(std::move(r));
    }
  }
  return records;
}

}  // namespace kdiag::bench

#endif  // KDIAG_BENCH_BENCH_DATA_H_
