// A buffered output file that counts the bytes it writes and turns every write error (a full disk,
// a file-size limit) into a RuntimeFailure naming the file, so no command reports success on a
// short file. Used for every file of a result folder.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace stancesim {

class OutFile {
 public:
  OutFile(const std::filesystem::path& path, std::uint64_t& bytes) : path_(path), bytes_(bytes) {
    buffer_.resize(1 << 20);
    out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    out_.open(path, std::ios::binary);
    if (!out_) throw RuntimeFailure("cannot write " + path.string());
  }
  void write(std::string_view s) {
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
    if (!out_)
      throw RuntimeFailure("error while writing " + path_.string() + ": " + std::strerror(errno));
    bytes_ += s.size();
  }
  void close() {
    out_.close();
    if (!out_) throw RuntimeFailure("error while writing " + path_.string());
  }

 private:
  std::filesystem::path path_;
  std::uint64_t& bytes_;
  std::vector<char> buffer_;
  std::ofstream out_;
};

}  // namespace stancesim
