#include "run/mpi_farm.hpp"

#include <cstring>

namespace stancesim::mpi {

std::string pack(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    const std::uint64_t n = p.size();
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out += p;
  }
  return out;
}

std::vector<std::string> unpack(const std::string& payload) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at + sizeof(std::uint64_t) <= payload.size()) {
    std::uint64_t n = 0;
    std::memcpy(&n, payload.data() + at, sizeof n);
    at += sizeof n;
    parts.push_back(payload.substr(at, n));
    at += n;
  }
  return parts;
}

}  // namespace stancesim::mpi

#ifdef STANCESIM_MPI

#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "core/error.hpp"
#include "core/interrupt.hpp"

namespace stancesim::mpi {

namespace {

constexpr int kTagWork = 1;    // rank 0 -> worker: a unit (int64), or -1 to stop
constexpr int kTagResult = 2;  // worker -> rank 0: the unit (int64) then its payload
bool started = false;

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw RuntimeFailure(std::string("MPI: ") + what + " failed");
}

}  // namespace

void init(int* argc, char*** argv) {
  // Only under a launcher: a plain `stancesim` stays a plain process.
  if (!std::getenv("OMPI_COMM_WORLD_SIZE") && !std::getenv("PMI_SIZE") && !std::getenv("PMIX_RANK"))
    return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  started = true;
}

void finalize() {
  if (started) MPI_Finalize();
  started = false;
}

void abort(int exit_code) {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::_Exit(exit_code);
}

int size() {
  if (!started) return 1;
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

int rank() {
  if (!started) return 0;
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

void farm(std::int64_t first, std::int64_t stop, const Compute& compute, const Deliver& deliver) {
  const int ranks = size();
  // At most this many units handed out but not yet written: bounds rank 0's memory.
  const std::int64_t window = 4 * static_cast<std::int64_t>(ranks);
  std::int64_t next = first, written = first;
  std::map<std::int64_t, std::string> done;  // computed, waiting for their turn
  std::mutex mutex;
  std::condition_variable changed;
  bool quit = false;
  std::exception_ptr error;

  // Rank 0 computes too, on a second thread (only this thread calls MPI).
  std::thread local([&] {
    for (;;) {
      std::int64_t unit = 0;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return quit || next >= stop || next < written + window; });
        if (quit || next >= stop) return;
        unit = next++;
      }
      try {
        std::string payload = compute(unit);
        std::lock_guard<std::mutex> lock(mutex);
        done.emplace(unit, std::move(payload));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        return;
      }
    }
  });
  auto stop_local = [&] {
    {
      std::lock_guard<std::mutex> lock(mutex);
      quit = true;
    }
    changed.notify_all();
    local.join();
  };

  std::vector<int> idle;  // workers waiting for a unit
  for (int w = 1; w < ranks; ++w) idle.push_back(w);
  int stopped = 0;
  try {
    std::vector<char> buffer;
    while (written < stop || stopped < ranks - 1) {
      bool progress = false;
      // Hand out units to idle workers while the window allows; stop them when none are left.
      while (!idle.empty()) {
        std::int64_t unit = -1;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (next < stop && next >= written + window) break;
          if (next < stop) unit = next++;
        }
        const int w = idle.back();
        idle.pop_back();
        check(MPI_Send(&unit, 1, MPI_INT64_T, w, kTagWork, MPI_COMM_WORLD), "send");
        if (unit < 0) ++stopped;
        progress = true;
      }
      // Collect a result.
      int flag = 0;
      MPI_Status status;
      check(MPI_Iprobe(MPI_ANY_SOURCE, kTagResult, MPI_COMM_WORLD, &flag, &status), "probe");
      if (flag) {
        int bytes = 0;
        MPI_Get_count(&status, MPI_BYTE, &bytes);
        buffer.resize(static_cast<std::size_t>(bytes));
        check(MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, kTagResult,
                       MPI_COMM_WORLD, MPI_STATUS_IGNORE),
              "receive");
        std::int64_t unit = 0;
        std::memcpy(&unit, buffer.data(), sizeof unit);
        {
          std::lock_guard<std::mutex> lock(mutex);
          done.emplace(unit, std::string(buffer.data() + sizeof unit, buffer.size() - sizeof unit));
        }
        idle.push_back(status.MPI_SOURCE);
        progress = true;
      }
      // Write every unit whose turn has come.
      for (;;) {
        std::string payload;
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (error) std::rethrow_exception(error);
          const auto it = done.find(written);
          if (it == done.end()) break;
          payload = std::move(it->second);
          done.erase(it);
        }
        deliver(written, payload);
        {
          std::lock_guard<std::mutex> lock(mutex);
          ++written;
        }
        changed.notify_all();
        progress = true;
      }
      throw_if_interrupted();
      // Poll politely: a blocking receive would spin a core that the workers need.
      if (!progress) std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  } catch (...) {
    stop_local();
    throw;
  }
  stop_local();
}

std::int64_t serve(const Compute& compute) {
  std::int64_t computed = 0;
  for (;;) {
    std::int64_t unit = -1;
    check(MPI_Recv(&unit, 1, MPI_INT64_T, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "receive");
    if (unit < 0) return computed;
    std::string message(sizeof unit, '\0');
    std::memcpy(message.data(), &unit, sizeof unit);
    message += compute(unit);
    if (message.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
      throw RuntimeFailure("MPI: a design point's rows exceed 2 GB: use fewer runs per point");
    check(MPI_Send(message.data(), static_cast<int>(message.size()), MPI_BYTE, 0, kTagResult,
                   MPI_COMM_WORLD),
          "send");
    ++computed;
  }
}

}  // namespace stancesim::mpi

#endif
