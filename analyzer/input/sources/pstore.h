// pstore dumps: the kernel log a crashing kernel saved in persistent storage, put back together.
//
// On an oops or panic, fs/pstore/platform.c pstore_dump walks the kernel log backwards from its
// end and writes it to the backend (ramoops, efi, erst, ...) in records of the backend's buffer
// size. Each record starts with the header "%s#%d Part%u\n": the dump reason (kmsg_dump_reason_str:
// "Oops", "Panic", "Emergency", "Shutdown", ...), the dump counter of this boot (oopscount), and
// the part number, 1 for the newest piece of log; the log lines follow in syslog form
// (kmsg_dump_get_buffer with syslog=true: "<%u>[%5lu.%06lu] text"). After the reboot the records
// appear as files "dmesg-<backend>-<id>" (fs/pstore/inode.c pstore_mkfile; ".enc.z" when still
// compressed) in /sys/fs/pstore, and systemd-pstore moves them to /var/lib/systemd/pstore/<id>/
// next to a dmesg.txt it joins from them (src/pstore/pstore.c process_dmesg_files).
//
// One dump is one crash: its parts are grouped (same directory, backend, reason and counter, and
// no part number twice; record ids ascend within a dump, ramoops' ring may wrap) and joined in
// the order the kernel printed them, highest part first, without their headers. A part file
// without a header, a compressed one, and everything else is left to be read as a file of its own.
#ifndef KDIAG_INPUT_SOURCES_PSTORE_H_
#define KDIAG_INPUT_SOURCES_PSTORE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kdiag {

// A record is one buffer of the backend (ramoops' record_size, a few KiB of EFI variable); a
// larger file is read as a file of its own.
inline constexpr size_t kMaxPstoreRecord = size_t{4} << 20;

// A file that may be a pstore dmesg record: its path and contents.
struct PstoreFile {
  std::string path;
  std::string text;
};

// One reassembled dump.
struct PstoreDump {
  std::string name;                // names the input: "<path of Part1> (Panic#1, parts 3-1)"
  std::string text;                // the log lines, oldest first
  std::vector<std::string> paths;  // the part files, in the order joined
};

// Is `path`'s base name that of a pstore dmesg record ("dmesg-<backend>-<decimal id>")?
bool IsPstoreDmesgPath(std::string_view path);

// Groups the files that are dmesg records with a header into dumps (in the order of their first
// file). `rest` gets the paths of the files that are not (no header, compressed).
std::vector<PstoreDump> AssemblePstoreDumps(std::vector<PstoreFile> files,
                                            std::vector<std::string>* rest);

}  // namespace kdiag

#endif  // KDIAG_INPUT_SOURCES_PSTORE_H_
