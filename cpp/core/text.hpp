// Numbers as people read them in messages and reports.
#pragma once
#include <cstdint>
#include <string>

namespace digitpad {

// 1234567 -> "1,234,567"
inline std::string with_commas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return s;
}

}  // namespace digitpad
