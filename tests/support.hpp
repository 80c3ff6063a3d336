// Helpers shared by the tests: scratch folders, the mini model fixture, running the CLI.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stancesim::test {

namespace fs = std::filesystem;

inline std::string source_dir() {
  return STANCESIM_SOURCE_DIR;
}
inline std::string mini_dir() {
  return source_dir() + "/tests/data/mini";
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A fresh scratch folder under the system temp dir, removed when the object dies.
class Scratch {
 public:
  explicit Scratch(const std::string& name) {
    static int counter = 0;
    path_ =
        fs::temp_directory_path() / ("stancesim_test_" + name + "_" + std::to_string(::getpid()) +
                                     "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Copies the mini fixture (model/ and scenarios/) into `dir`.
inline void copy_mini(const fs::path& dir) {
  fs::copy(mini_dir(), dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// Replaces line `line` (1-based) of a file with `text` (which may hold several lines).
inline void replace_line(const fs::path& file, int line, const std::string& text) {
  std::istringstream in(read_file(file));
  std::string out, current;
  for (int n = 1; std::getline(in, current); ++n) out += (n == line ? text : current) + "\n";
  write_file(file, out);
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) r.output += buf;
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string binary() {
  return STANCESIM_BINARY;
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace stancesim::test
