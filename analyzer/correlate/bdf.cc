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

std::string Bdf::ToString() const {
  char buf[16];
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
