// Shared by the fuzz targets: a scratch folder per process on tmpfs, the source tree's paths,
// writing an input to a file, and the line between an expected refusal and a finding.
//
// An input that raises stancesim::InputError (bad input, exit 2) or RuntimeFailure (I/O, exit 1)
// is refused as designed. Any other exception is a finding: it is reported and the process
// aborts, so libFuzzer saves the input. Crashes, sanitizer reports, leaks, timeouts and
// out-of-memory are findings by themselves.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

#include "core/error.hpp"

namespace stancesim::fuzz {

namespace fs = std::filesystem;

// The repository root: $STANCESIM_SOURCE_DIR, else the one the target was built from.
inline fs::path source_dir() {
  if (const char* env = std::getenv("STANCESIM_SOURCE_DIR"); env && *env) return env;
  return STANCESIM_SOURCE_DIR;
}

// A fresh folder for this process: $STANCESIM_FUZZ_TMP (fuzz.sh sets it), else /dev/shm, else
// the system's temporary folder. Removed at normal exit.
inline fs::path make_scratch() {
  fs::path base;
  if (const char* env = std::getenv("STANCESIM_FUZZ_TMP"); env && *env)
    base = env;
  else if (fs::is_directory("/dev/shm"))
    base = "/dev/shm";
  else
    base = fs::temp_directory_path();
  fs::path d = base / ("stancesim-fuzz-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

inline void remove_scratch();

inline const fs::path& scratch() {
  static const fs::path dir = make_scratch();
  // Registered after `dir` is complete, so it runs before `dir` is destroyed.
  static const bool registered = (std::atexit(remove_scratch), true);
  (void)registered;
  return dir;
}

inline void remove_scratch() {
  std::error_code ec;
  fs::remove_all(scratch(), ec);
}

inline void write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "fuzz harness: cannot write %s\n", path.c_str());
    std::abort();
  }
}

// Copies every regular file of `from` into `to` (created), replacing what is there.
inline void copy_folder(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(from))
    if (e.is_regular_file())
      fs::copy_file(e.path(), to / e.path().filename(), fs::copy_options::overwrite_existing);
}

// Runs `body`; expected refusals return normally, anything else aborts with its type and text.
template <class Body>
void guarded(Body&& body) {
  try {
    body();
  } catch (const InputError&) {
  } catch (const RuntimeFailure&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "\n==FINDING== unexpected exception %s: %s\n", typeid(e).name(), e.what());
    std::fflush(stderr);
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "\n==FINDING== unexpected exception of a non-standard type\n");
    std::fflush(stderr);
    std::abort();
  }
}

}  // namespace stancesim::fuzz
