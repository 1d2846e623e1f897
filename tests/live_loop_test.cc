// LiveLoop: idle flushes, bounded checkpoint intervals, signals. Real clock, short periods, and
// assertions that only need "eventually" and "not before".
#include "analyzer/live/live_loop.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <chrono>

namespace kdiag {
namespace {

struct Counts {
  int flushes = 0, checkpoints = 0, metrics = 0, hangups = 0;
};

LiveLoop::Hooks CountingHooks(Counts* c) {
  LiveLoop::Hooks h;
  h.flush = [c] { ++c->flushes; };
  h.checkpoint = [c] { ++c->checkpoints; };
  h.metrics = [c] { ++c->metrics; };
  h.hangup = [c] { ++c->hangups; };
  return h;
}

LiveTimes Short() {
  LiveTimes t;
  t.idle_flush_ms = 30;
  t.checkpoint_ms = 200;
  t.metrics_ms = 100000;
  t.poll_ms = 10;
  return t;
}

TEST(LiveLoop, FlushesOnceAfterTheIdleTimeAndNotBefore) {
  SignalPipe signals;
  Counts c;
  LiveLoop loop(&signals, CountingHooks(&c), Short());
  ASSERT_TRUE(loop.Continue());
  loop.Delivered(10);
  auto start = std::chrono::steady_clock::now();
  while (c.flushes == 0) ASSERT_TRUE(loop.Wait(-1));
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(29));
  EXPECT_LT(waited, std::chrono::seconds(5));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop.Wait(-1));
  EXPECT_EQ(c.flushes, 1);  // nothing new was delivered
}

TEST(LiveLoop, CheckpointsAfterNewInputAtMostOncePerInterval) {
  SignalPipe signals;
  Counts c;
  LiveLoop loop(&signals, CountingHooks(&c), Short());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(loop.Wait(-1));
  EXPECT_EQ(c.checkpoints, 0);  // nothing to save
  auto start = std::chrono::steady_clock::now();
  // A steady stream, never idle: the checkpoint still comes, after a flush.
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(700)) {
    loop.Delivered(1);
    ASSERT_TRUE(loop.Continue());
  }
  EXPECT_GE(c.checkpoints, 2);
  EXPECT_LE(c.checkpoints, 4);
  EXPECT_GE(c.flushes, c.checkpoints);
}

TEST(LiveLoop, SighupCallsTheHookAndSigtermStops) {
  SignalPipe signals;
  Counts c;
  LiveLoop loop(&signals, CountingHooks(&c), Short());
  raise(SIGHUP);
  EXPECT_TRUE(loop.Wait(-1));
  EXPECT_EQ(c.hangups, 1);
  raise(SIGTERM);
  EXPECT_FALSE(loop.Wait(-1));
  EXPECT_FALSE(loop.Continue());
  EXPECT_TRUE(loop.stopped());
}

TEST(LiveLoop, StopsWhenTheOutputIsClosed) {
  SignalPipe signals;
  Counts c;
  bool closed = false;
  LiveLoop::Hooks h = CountingHooks(&c);
  h.should_stop = [&] { return closed; };
  LiveLoop loop(&signals, h, Short());
  EXPECT_TRUE(loop.Continue());
  closed = true;
  EXPECT_FALSE(loop.Continue());
}

}  // namespace
}  // namespace kdiag
