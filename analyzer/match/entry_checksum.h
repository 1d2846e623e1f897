// The checksum that seals every entry of the compiled-rules cache (database_cache.h): CRC-32C, the
// Castagnoli polynomial of iSCSI and ext4 (0x1EDC6F41, reflected 0x82F63B78; RFC 3720 B.4 gives
// its test values), computed eight bytes an instruction with SSE4.2's crc32 where the CPU has it
// and with tables (slicing by eight) elsewhere; both give the same value, so an entry written on
// one machine checks on another.
//
// It replaced zlib's CRC-32 because a warm start checksums about 1.8 MB of entries (the two
// Vectorscan databases and the rule set) and zlib's CRC-32 cost 7.7 M of the 53.7 M
// instructions of such a start (bench/RESULTS.md); with the instruction it costs a tenth of that.
// It is as safe for the checksum's one job, catching damage (a torn write, a flipped bit, a
// truncated copy) before Vectorscan reads bytecode: like CRC-32 it detects every error burst of up
// to 32 bits and every odd number of flipped bits, and at these lengths its Hamming distance is no
// worse than CRC-32's. Malice is not its job: anyone can recompute any checksum, and what keeps
// others' entries out is where they are read from and the checks behind it (database_cache.h).
#ifndef KDIAG_MATCH_ENTRY_CHECKSUM_H_
#define KDIAG_MATCH_ENTRY_CHECKSUM_H_

#include <cstdint>
#include <string_view>

namespace kdiag {

// CRC-32C of `bytes` (initial value and final xor 0xFFFFFFFF, as iSCSI): the fastest way the CPU
// has.
uint32_t EntryChecksum(std::string_view bytes);

// The same value computed with tables only, whatever the CPU (tests compare the two).
uint32_t EntryChecksumPortable(std::string_view bytes);

}  // namespace kdiag

#endif  // KDIAG_MATCH_ENTRY_CHECKSUM_H_
