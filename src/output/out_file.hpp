// A buffered output file that counts the bytes it writes and turns every write error (a full disk,
// a file-size limit) into a RuntimeFailure naming the file, so no command reports success on a
// short file. Used for every file of a result folder. It digests what it writes (rows and
// SHA-256, for the manifest: output/digest.hpp) as it goes, so that no file is read back.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "output/digest.hpp"

namespace stancesim {

class OutFile {
 public:
  // A new file; or, with `keep` (a resumed run, run/checkpoint.hpp), the file's first `keep`
  // bytes kept (what a checkpoint recorded; anything after it is cut; read once into the digest)
  // and writing continues after them.
  OutFile(const std::filesystem::path& path, std::uint64_t& bytes,
          std::optional<std::uint64_t> keep = std::nullopt)
      : path_(path), bytes_(bytes) {
    buffer_.resize(1 << 20);
    out_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    if (keep) {
      std::error_code ec;
      if (std::filesystem::file_size(path, ec) < *keep || ec)
        throw RuntimeFailure("cannot resume: " + path.string() + " is shorter than its checkpoint");
      std::filesystem::resize_file(path, *keep, ec);
      if (ec) throw RuntimeFailure("cannot resume " + path.string() + ": " + ec.message());
      digest_kept(*keep);
      out_.open(path, std::ios::binary | std::ios::app);
      size_ = *keep;
    } else {
      out_.open(path, std::ios::binary);
    }
    if (!out_) throw RuntimeFailure("cannot write " + path.string());
  }
  void write(std::string_view s) {
    out_.write(s.data(), static_cast<std::streamsize>(s.size()));
    if (!out_)
      throw RuntimeFailure("error while writing " + path_.string() + ": " + std::strerror(errno));
    bytes_ += s.size();
    size_ += s.size();
    digest_.update(s);
  }
  // Hands everything written so far to the operating system (a checkpoint records size()).
  void flush() {
    out_.flush();
    if (!out_)
      throw RuntimeFailure("error while writing " + path_.string() + ": " + std::strerror(errno));
  }
  void close() {
    out_.close();
    if (!out_) throw RuntimeFailure("error while writing " + path_.string());
  }
  std::uint64_t size() const { return size_; }  // the file's length, kept bytes included
  const std::filesystem::path& path() const { return path_; }
  // The rows and SHA-256 of the whole file (kept bytes included); once, when it is complete.
  FileDigest digest() { return digest_.finish(); }

 private:
  void digest_kept(std::uint64_t keep) {
    std::ifstream in(path_, std::ios::binary);
    std::vector<char> block(1 << 20);
    while (keep > 0 && in) {
      in.read(block.data(),
              static_cast<std::streamsize>(std::min<std::uint64_t>(block.size(), keep)));
      const auto got = static_cast<std::size_t>(in.gcount());
      digest_.update(std::string_view(block.data(), got));
      keep -= got;
    }
    if (keep > 0) throw RuntimeFailure("cannot resume: cannot read " + path_.string());
  }

  std::filesystem::path path_;
  std::uint64_t& bytes_;
  std::uint64_t size_ = 0;
  std::vector<char> buffer_;
  std::ofstream out_;
  CsvDigest digest_;
};

}  // namespace stancesim
