// Forced into every translation unit of the fuzz build (-include), before toml++ is seen.
//
// toml++ 3.3.0 checks its parser's internal preconditions with TOML_ASSERT_ASSUME, which is
// assert() without NDEBUG and, with NDEBUG, __builtin_assume() under clang: an input that breaks a
// precondition (e.g. `[[[]]]`) then aborts the fuzzer in toml++ itself, or becomes undefined
// behaviour the optimiser may act on. Defining TOML_ASSERT (and leaving NDEBUG undefined) makes
// both TOML_ASSERT and TOML_ASSERT_ASSUME no-ops, so toml++ reports the parse error it would
// report in Debian's release build. Configure with -DSTANCESIM_FUZZ_TOML_ASSERT=ON to keep them.
#pragma once

#ifndef STANCESIM_FUZZ_TOML_ASSERT
#define TOML_ASSERT(expr) static_cast<void>(0)
#endif
