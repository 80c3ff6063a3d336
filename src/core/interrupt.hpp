// Clean interruption: SIGINT, SIGTERM and SIGHUP set a flag that long loops poll (the ensemble
// checks it before every run); the work then unwinds by an `Interrupted` exception, so every
// temporary folder is removed on the way out (or kept as resumable state when it holds a
// checkpoint: output/output_folder.hpp) and the process exits with 128 + the signal.
// SIGXFSZ (file size limit) is ignored so that a write fails with an error instead of killing
// the process. A second signal of the same kind ends the process at once (default action).
#pragma once

#include <stdexcept>
#include <string>

namespace stancesim {

class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }
  int exit_code() const { return 128 + signal_; }

 private:
  int signal_;
};

// Installs the handlers; call once at start-up.
void install_interrupt_handlers();
// The signal received, or 0.
int interrupt_signal();
// Throws Interrupted when a signal was received.
void throw_if_interrupted();

}  // namespace stancesim
