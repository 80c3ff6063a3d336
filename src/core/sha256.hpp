// SHA-256 of a file's bytes, hex encoded (OpenSSL's EVP interface).
#pragma once

#include <string>

namespace stancesim {

std::string sha256_hex(const std::string& bytes);
std::string sha256_file(const std::string& path);  // throws InputError if unreadable

}  // namespace stancesim
