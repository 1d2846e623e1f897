// BlockReader: the slot protocol. Slot i of n holds blocks i, i + n, ...: a worker takes the next
// block number under the read lock, waits until that block's slot was given back by the consumer,
// fills it (still under the read lock, so reads happen in order and each block follows the tail of
// the one before), then scans it without any lock and marks it ready. The consumer takes block
// numbers in order, waiting for each to be ready, and gives a slot back when it asks for the next
// block. A slot that is ready holds the consumer's next block, since the slot's previous block was
// given back before it was filled again.
#include "analyzer/input/sources/block_reader.h"

#include <algorithm>
#include <cstring>
#include <system_error>

namespace kdiag {

BlockReader::BlockReader(ByteSource* source, BlockScanFactory scan, size_t lookback, int threads,
                         size_t block_size)
    : source_(source),
      factory_(std::move(scan)),
      lookback_(factory_ ? lookback : 0),
      block_size_(std::max<size_t>(block_size, 1)) {
  threads = std::clamp(threads, 1, kMaxThreads);
  if (threads > 1) {
    slots_.resize(static_cast<size_t>(threads) + 2);
    for (Slot& s : slots_) s.buffer.reset(new char[lookback_ + block_size_]);
    try {
      for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
    } catch (const std::system_error&) {
      // Fewer threads than asked for: go on with those there are.
    }
    if (!workers_.empty()) return;
    slots_.clear();
  }
  // One thread: everything happens in Next().
  single_.buffer.reset(new char[lookback_ + block_size_]);
  if (factory_) scan_ = factory_();
}

BlockReader::~BlockReader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void BlockReader::Fill(Slot* slot) {
  slot->tail = tail_.size();
  slot->size = 0;
  slot->error.clear();
  if (end_) return;
  char* block = slot->buffer.get() + lookback_;
  if (slot->tail > 0) std::memcpy(block - slot->tail, tail_.data(), slot->tail);
  std::string error;
  long n = source_->Read(block, block_size_, &error);
  if (n <= 0) {
    end_ = true;
    if (n < 0) slot->error = error.empty() ? "read failed" : error;
    return;
  }
  slot->size = static_cast<size_t>(n);
  size_t keep = std::min(lookback_, slot->tail + slot->size);
  tail_.assign(block + slot->size - keep, keep);
}

void BlockReader::Scan(Slot* slot, const BlockScan& scan) {
  slot->ends.clear();
  slot->scanned = false;
  if (!scan || slot->size == 0) return;
  std::string_view data(slot->buffer.get() + lookback_ - slot->tail, slot->tail + slot->size);
  slot->scanned = scan(data, slot->tail, &slot->ends);
}

void BlockReader::Work() {
  BlockScan scan = factory_ ? factory_() : BlockScan();
  for (;;) {
    Slot* slot = nullptr;
    {
      std::lock_guard<std::mutex> read_lock(read_mutex_);
      {
        std::unique_lock<std::mutex> lock(mutex_);
        if (stop_ || end_) return;
        slot = &slots_[next_read_ % slots_.size()];
        changed_.wait(lock, [&] { return stop_ || !slot->busy; });
        if (stop_) return;
        slot->busy = true;
        slot->ready = false;
        ++next_read_;
      }
      Fill(slot);
    }
    Scan(slot, scan);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slot->ready = true;
    }
    changed_.notify_all();
  }
}

bool BlockReader::Hand(Slot* slot, ScannedBlock* out, std::string* error) {
  if (slot->size == 0) {
    if (!slot->error.empty()) *error = slot->error;
    done_ = true;  // no later block will ever be filled
    return false;
  }
  out->data = std::string_view(slot->buffer.get() + lookback_, slot->size);
  out->ends = slot->scanned ? &slot->ends : nullptr;
  return true;
}

bool BlockReader::Next(ScannedBlock* out, std::string* error) {
  if (done_) return false;
  if (workers_.empty()) {
    Fill(&single_);
    Scan(&single_, scan_);
    return Hand(&single_, out, error);
  }
  Slot* slot = nullptr;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (next_hand_ > 0) {
      Slot& previous = slots_[(next_hand_ - 1) % slots_.size()];
      previous.busy = false;
      previous.ready = false;
      changed_.notify_all();
    }
    slot = &slots_[next_hand_ % slots_.size()];
    changed_.wait(lock, [&] { return slot->ready; });
    ++next_hand_;
  }
  return Hand(slot, out, error);
}

}  // namespace kdiag
