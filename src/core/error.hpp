// Errors shared by every layer. Input errors carry a source position and map to exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace stancesim {

// Where a value came from: file, 1-based line and column (0 when unknown).
struct SourceLoc {
  std::string file;
  int line = 0;
  int column = 0;
};

// Bad model, scenario or command-line input: the user must fix a file or an argument.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLoc loc, const std::string& message)
      : std::runtime_error(format(loc, message)), loc_(std::move(loc)), message_(message) {}
  explicit InputError(const std::string& message) : InputError(SourceLoc{}, message) {}

  const SourceLoc& loc() const { return loc_; }
  const std::string& message() const { return message_; }

 private:
  static std::string format(const SourceLoc& loc, const std::string& message) {
    if (loc.file.empty()) return message;
    if (loc.line == 0) return loc.file + ": " + message;
    return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": " +
           message;
  }
  SourceLoc loc_;
  std::string message_;
};

// Failure of the environment (I/O, file system): exit code 1.
class RuntimeFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitInput = 2;

}  // namespace stancesim
