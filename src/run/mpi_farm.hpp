// An MPI task farm for sweeps (optional build: cmake -DSTANCESIM_MPI=ON; docs/scale.md).
//
// Under `mpirun -np P stancesim sweep ...` every rank loads and checks the same inputs; rank 0
// claims the output folder, hands out work units (design point x scenario) one at a time to the
// ranks that ask, computes units itself on a second thread, and writes every unit's rows in unit
// order, so the output is byte-identical to one process's. Units in flight are bounded (a few per
// rank), so rank 0's memory does not grow with the sweep. Without MPI, or with one rank, size()
// is 1 and nothing here runs.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace stancesim::mpi {

// A unit's result: rows computed by compute(unit), as bytes.
using Compute = std::function<std::string(std::int64_t unit)>;
using Deliver = std::function<void(std::int64_t unit, const std::string& payload)>;

// Several strings as one payload, and back.
std::string pack(const std::vector<std::string>& parts);
std::vector<std::string> unpack(const std::string& payload);

#ifdef STANCESIM_MPI
// Starts MPI when the process was launched by mpirun (or srun) with more than one rank.
void init(int* argc, char*** argv);
void finalize();
// Ends every rank at once (after an error or an interruption on any rank).
[[noreturn]] void abort(int exit_code);
int size();
int rank();
// Rank 0: units [first, stop) over all ranks; deliver() in unit order on the calling thread.
void farm(std::int64_t first, std::int64_t stop, const Compute& compute, const Deliver& deliver);
// Other ranks: compute what rank 0 hands out until it says stop; returns the units computed.
std::int64_t serve(const Compute& compute);
#else
inline void init(int*, char***) {}
inline void finalize() {}
[[noreturn]] inline void abort(int exit_code) {
  std::_Exit(exit_code);
}
inline int size() {
  return 1;
}
inline int rank() {
  return 0;
}
inline void farm(std::int64_t, std::int64_t, const Compute&, const Deliver&) {}
inline std::int64_t serve(const Compute&) {
  return 0;
}
#endif

}  // namespace stancesim::mpi
