// Helpers shared by the C++ tests.
#pragma once
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "layers.hpp"
#include "rng.hpp"

namespace digitpad::test {

inline Matrix random_matrix(Eigen::Index rows, Eigen::Index cols, uint64_t seed, float lo = -1,
                            float hi = 1) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.uniform(lo, hi);
  return m;
}

// Values whose magnitude is at least `gap`, so ReLU kinks and max-pool ties stay further
// away than a finite-difference step.
inline Matrix away_from_kinks(Eigen::Index rows, Eigen::Index cols, uint64_t seed, float gap) {
  Rng rng(seed);
  Matrix m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    // distinct values on a grid of step 2*gap, shuffled by the rng
    const float v = gap * float(2 * (i % 97) + 1) * (rng.uniform() < 0.5f ? -1.0f : 1.0f);
    m.data()[i] = v + gap * 0.5f * rng.uniform();
  }
  return m;
}

template <typename F>
std::string expect_throw_message(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return "";
}

inline std::string mnist_path(const std::string& file) {
  return std::string(DIGITPAD_MNIST_DIR) + "/" + file;
}

// The `digitpad` tool run with these arguments (a shell command line).
struct CliRun {
  int status;
  std::string output;  // stdout and stderr together
};

inline CliRun run_cli(const std::string& args) {
  const std::string command = std::string(DIGITPAD_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline int line_count(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }

}  // namespace digitpad::test
