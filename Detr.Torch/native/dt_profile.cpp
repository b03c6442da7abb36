// libtorch's operator profiler (the legacy CPU profiler behind torch.autograd.profiler.profile):
// begin recording on this thread, end with a per-operator table. Mirrors
// Interop/NativeMethods.Profile.cs.
#include "dt_common.h"

#include <map>
#include <sstream>
#include <torch/csrc/autograd/profiler_legacy.h>

namespace {
thread_local std::string profile_table;

struct OpTotals {
  int64_t calls = 0;
  double total_us = 0;  // inclusive: with the operators it called
  double self_us = 0;   // exclusive
};
}  // namespace

DT_EXPORT int32_t dt_profile_begin() {
  DT_TRY
  using torch::profiler::impl::ProfilerConfig;
  using torch::profiler::impl::ProfilerState;
  torch::autograd::profiler::enableProfilerLegacy(ProfilerConfig(ProfilerState::CPU));
  return DT_OK;
  DT_CATCH(DT_FAIL)
}

// Ends the recording begun on this thread and returns one line per operator,
// "name\tcalls\tself_us\ttotal_us", valid until the thread's next call; ranges are paired
// per thread (push/pop nest), so self time is the range's time less its children's.
DT_EXPORT const char* dt_profile_end() {
  DT_TRY
  auto lists = torch::autograd::profiler::disableProfilerLegacy();
  std::map<std::string, OpTotals> totals;
  for (auto& events : lists) {
    struct Open {
      const torch::autograd::profiler::LegacyEvent* push;
      double children_us;
    };
    std::vector<Open> stack;
    for (auto& e : events) {
      using Kind = torch::autograd::profiler::EventKind;
      if (e.kind() == Kind::PushRange) {
        stack.push_back({&e, 0.0});
      } else if (e.kind() == Kind::PopRange && !stack.empty()) {
        auto open = stack.back();
        stack.pop_back();
        const double us = open.push->cpuElapsedUs(e);
        auto& t = totals[open.push->name()];
        t.calls += 1;
        t.total_us += us;
        t.self_us += us - open.children_us;
        if (!stack.empty()) stack.back().children_us += us;
      }
    }
  }
  std::ostringstream out;
  for (auto& [name, t] : totals) out << name << '\t' << t.calls << '\t' << t.self_us << '\t' << t.total_us << '\n';
  profile_table = out.str();
  return profile_table.c_str();
  DT_CATCH(nullptr)
}
