#include "core/interrupt.hpp"

#include <signal.h>
#include <string.h>

#include <atomic>

namespace stancesim {

namespace {
std::atomic<int> g_signal{0};

extern "C" void on_signal(int sig) {
  g_signal.store(sig, std::memory_order_relaxed);
  // The next signal of this kind takes the default action: a user who presses Ctrl-C twice
  // means it.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

std::string describe(int sig) {
  const char* name = sigabbrev_np(sig);
  return std::string("interrupted by SIG") + (name ? name : std::to_string(sig).c_str());
}
}  // namespace

Interrupted::Interrupted(int signal) : std::runtime_error(describe(signal)), signal_(signal) {}

void install_interrupt_handlers() {
  static_assert(std::atomic<int>::is_always_lock_free);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGXFSZ, &ignore, nullptr);
}

int interrupt_signal() {
  return g_signal.load(std::memory_order_relaxed);
}

void throw_if_interrupted() {
  if (const int sig = interrupt_signal()) throw Interrupted(sig);
}

}  // namespace stancesim
