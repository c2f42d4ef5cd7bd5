#pragma once
// LibTorch's profiler around a benchmark's timed loop, on request: with HCDC_TORCH_PROFILE=FILE
// the scope records the operators LibTorch runs while it lives and writes them as a Chrome trace
// to FILE when it ends (benchmarks/profile.sh sums the trace per operator). Without the variable
// it does nothing, so the timings are not disturbed.
#include <cstdlib>
#include <memory>
#include <string>

#include <torch/csrc/autograd/profiler_legacy.h>

namespace hcdc::bench {

class TorchProfileScope {
 public:
  TorchProfileScope() {
    if (const char* file = std::getenv("HCDC_TORCH_PROFILE"))
      profile_ = std::make_unique<torch::autograd::profiler::RecordProfile>(std::string(file));
  }

 private:
  std::unique_ptr<torch::autograd::profiler::RecordProfile> profile_;
};

}  // namespace hcdc::bench
