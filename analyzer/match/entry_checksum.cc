// CRC-32C by SSE4.2's crc32 instruction (Intel SDM, "CRC32 - Accumulate CRC32 Value": the
// instruction computes the reflected Castagnoli CRC, without the initial and final inversion), or
// by slicing-by-eight tables when the CPU lacks it or is not x86.
#include "analyzer/match/entry_checksum.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace kdiag {
namespace {

constexpr uint32_t kReflectedPoly = 0x82F63B78u;

using Tables = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] is the byte-at-a-time table; tables[k][b] is the CRC of b followed by k zero bytes.
const Tables& SlicingTables() {
  static const Tables tables = [] {
    Tables t{};
    for (uint32_t b = 0; b < 256; ++b) {
      uint32_t crc = b;
      for (int i = 0; i < 8; ++i) crc = (crc >> 1) ^ ((crc & 1) ? kReflectedPoly : 0);
      t[0][b] = crc;
    }
    for (uint32_t b = 0; b < 256; ++b) {
      for (size_t k = 1; k < 8; ++k) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
    }
    return t;
  }();
  return tables;
}

uint32_t Portable(const unsigned char* p, size_t n, uint32_t crc) {
  const Tables& t = SlicingTables();
  while (n >= 8) {
    // The first byte in the lowest bits, whatever the host's byte order.
    uint32_t lo =
        (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24) ^ crc;
    uint32_t hi =
        uint32_t{p[4]} | uint32_t{p[5]} << 8 | uint32_t{p[6]} << 16 | uint32_t{p[7]} << 24;
    crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
          t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Hardware(const unsigned char* p, size_t n,
                                                    uint32_t crc) {
  uint64_t c = crc;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<uint32_t>(c);
  while (n-- > 0) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}

bool HasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

uint32_t EntryChecksum(std::string_view bytes) {
#if defined(__x86_64__)
  if (HasSse42()) return ~Hardware(Bytes(bytes), bytes.size(), 0xFFFFFFFFu);
#endif
  return EntryChecksumPortable(bytes);
}

uint32_t EntryChecksumPortable(std::string_view bytes) {
  return ~Portable(Bytes(bytes), bytes.size(), 0xFFFFFFFFu);
}

}  // namespace kdiag
