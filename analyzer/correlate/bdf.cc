#include "analyzer/correlate/bdf.h"

#include <cstdio>
#include <tuple>

#include "analyzer/input/hex.h"

namespace kdiag {
namespace {

// Reads exactly `digits` hex digits at text[*pos]; advances pos.
bool HexField(std::string_view text, size_t* pos, int digits, unsigned* value) {
  size_t n = static_cast<size_t>(digits);
  if (*pos + n > text.size()) return false;
  auto v = ParseHex(text.substr(*pos, n), n);
  if (!v) return false;
  *pos += n;
  *value = static_cast<unsigned>(*v);
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

std::optional<Bdf> Bdf::Parse(std::string_view text, bool allow_short) {
  size_t pos = 0;
  unsigned domain = 0, bus, dev, fn;
  // "dddd:bb:dd.f" is 12 characters, "bb:dd.f" 7.
  if (text.size() == 12) {
    if (!HexField(text, &pos, 4, &domain) || !Expect(text, &pos, ':')) return std::nullopt;
  } else if (!(allow_short && text.size() == 7)) {
    return std::nullopt;
  }
  if (!HexField(text, &pos, 2, &bus) || !Expect(text, &pos, ':') ||
      !HexField(text, &pos, 2, &dev) || !Expect(text, &pos, '.') || !HexField(text, &pos, 1, &fn) ||
      pos != text.size()) {
    return std::nullopt;
  }
  if (dev > 0x1f || fn > 7) return std::nullopt;
  Bdf b;
  b.domain = static_cast<uint16_t>(domain);
  b.bus = static_cast<uint8_t>(bus);
  b.device = static_cast<uint8_t>(dev);
  b.function = static_cast<uint8_t>(fn);
  return b;
}

std::optional<Bdf> Bdf::ParseSpelled(std::string_view text) {
  // [segment:]bus:device.function, each part hex with an optional "0x".
  size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view head = text.substr(0, dot);
  std::string_view parts[3];
  size_t n = 0;
  while (true) {
    size_t colon = head.rfind(':');
    if (n == 3) return std::nullopt;
    parts[n++] = colon == std::string_view::npos ? head : head.substr(colon + 1);
    if (colon == std::string_view::npos) break;
    head = head.substr(0, colon);
  }
  if (n < 2) return std::nullopt;
  // parts[0] is the device, parts[1] the bus, parts[2] the segment when there is one.
  auto dev = ParseHex(StripHexPrefix(parts[0]), 2);
  auto bus = ParseHex(StripHexPrefix(parts[1]), 2);
  std::optional<uint64_t> seg = 0;
  if (n == 3) seg = ParseHex(StripHexPrefix(parts[2]), 8);
  std::string_view fn_text = text.substr(dot + 1);
  if (!dev || !bus || !seg || fn_text.size() != 1 || fn_text[0] < '0' || fn_text[0] > '7' ||
      *dev > 0x1f) {
    return std::nullopt;
  }
  Bdf b;
  b.domain = static_cast<uint32_t>(*seg);
  b.bus = static_cast<uint8_t>(*bus);
  b.device = static_cast<uint8_t>(*dev);
  b.function = static_cast<uint8_t>(fn_text[0] - '0');
  return b;
}

std::string Bdf::CardString() const {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x", domain, bus, device);
  return buf;
}

std::string Bdf::ToString() const {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04x:%02x:%02x.%x", domain, bus, device, function);
  return buf;
}

std::string Bdf::ShortString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02x:%02x.%x", bus, device, function);
  return buf;
}

bool Bdf::operator<(const Bdf& o) const {
  return std::tie(domain, bus, device, function) < std::tie(o.domain, o.bus, o.device, o.function);
}

}  // namespace kdiag
