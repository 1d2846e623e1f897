// Decompression: compressed inputs are recognised by their magic bytes (never by their names) and
// decoded as a stream, so the line reader and format detection only ever see decoded bytes.
//
// gzip (1f 8b), xz (fd 37 7a 58 5a 00), zstd (28 b5 2f fd), bzip2 ("BZh" and a block size
// digit) and lz4 frames (04 22 4d 18) are decoded, including files that are several members,
// streams or frames back to back (`cat a.gz b.gz`). Other compressed or archive formats known by
// their magic (lz4 legacy, compress .Z, lzip, lzop, 7z, zip) are refused by name, never read as
// text: a compressed log read as text would be reported as holding no problem. Memory is bounded: a
// 256 KiB input buffer plus the codec's own state (the xz decoder is limited to 256 MiB, zstd to
// its default 128 MiB window); output goes straight into the caller's buffer, so a decompression
// bomb costs time, not memory.
//
// Bad data: Read first returns every byte decoded before the damage, then -1 with an error naming
// the codec and the compressed byte offset ("corrupt gzip data at compressed byte 1234: invalid
// distance too far back", "truncated xz stream at compressed byte 5678"). The offset is where the
// decoder noticed: at or after the damage for gzip and xz (a check value is only verified at the
// end of a member or block), the start of the damaged block for zstd. Errors are sticky.
#ifndef KDIAG_INPUT_SOURCES_DECOMPRESS_H_
#define KDIAG_INPUT_SOURCES_DECOMPRESS_H_

#include <memory>
#include <string>

#include "analyzer/input/sources/byte_source.h"

namespace kdiag {

// Peeks at the first bytes of `raw` and returns a decoder around it (the peeked bytes replayed),
// or `raw` itself behind a ReplaySource when no magic matches. *codec (if not null) is set to
// "gzip", "xz", "zstd", "bzip2", "lz4" or "" for plain input (or the name of a refused format).
// Returns null with *error set when the peek fails or the format is one kdiag does not read.
std::unique_ptr<ByteSource> OpenDecoded(std::unique_ptr<ByteSource> raw, std::string* codec,
                                        std::string* error);

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_DECOMPRESS_H_
