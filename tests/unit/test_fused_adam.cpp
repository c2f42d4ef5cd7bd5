// FusedAdam (hypergrad/fused_adam.hpp) against LibTorch's torch::optim::Adam, the formula it
// restates: the same parameters after 25 steps on a nonlinear loss, with and without weight decay,
// in float64 and float32; the same bits at 1 and 2 threads; a parameter without a gradient untouched.
// fused_step (the same loop over a LibTorch Adam's own state) against that Adam's step, and through
// a torch::save / torch::load of the optimiser halfway, as a checkpoint does.
#include <gtest/gtest.h>

#include <sstream>

#include "hcdc/hypergrad/fused_adam.hpp"
#include "torch_fixtures.hpp"

namespace hcdc::test {
namespace {

// Σ c·p² + Σ sin(3p) over every parameter: gradients that change sign and size from step to step.
torch::Tensor loss_of(const std::vector<torch::Tensor>& ps, const std::vector<torch::Tensor>& cs) {
  torch::Tensor l = torch::zeros({}, ps[0].options());
  for (std::size_t i = 0; i < ps.size(); ++i) l = l + (cs[i] * ps[i] * ps[i]).sum() + torch::sin(3 * ps[i]).sum();
  return l;
}

std::vector<torch::Tensor> fresh(const std::vector<torch::Tensor>& init) {
  std::vector<torch::Tensor> out;
  for (const auto& t : init) out.push_back(t.clone().requires_grad_());
  return out;
}

TEST(FusedAdam, MatchesLibTorchAdam) {
  for (torch::Dtype dt : {torch::kDouble, torch::kFloat}) {
    for (double wd : {0.0, 5e-3}) {
      torch::manual_seed(3);
      auto o = torch::TensorOptions().dtype(dt);
      std::vector<torch::Tensor> init{torch::randn({7, 5}, o), torch::randn({4, 1, 3}, o), torch::randn({11}, o)};
      std::vector<torch::Tensor> cs{torch::rand({7, 5}, o), torch::rand({4, 1, 3}, o), torch::rand({11}, o)};
      auto a = fresh(init), b = fresh(init);
      torch::optim::Adam ref(a, torch::optim::AdamOptions(0.03).weight_decay(wd));
      hypergrad::FusedAdamOptions fo;
      fo.lr = 0.03;
      fo.weight_decay = wd;
      hypergrad::FusedAdam fused(b, fo);
      for (int s = 0; s < 25; ++s) {
        ref.zero_grad();
        loss_of(a, cs).backward();
        ref.step();
        fused.zero_grad();
        loss_of(b, cs).backward();
        fused.step();
      }
      EXPECT_EQ(fused.steps(), 25);
      for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_LT(rel_err(b[i].detach(), a[i].detach()), dt == torch::kDouble ? 1e-13 : 1e-5)
            << "dtype " << dt << ", weight decay " << wd << ", parameter " << i;
        EXPECT_GT(rel_err(b[i].detach(), init[i]), 1e-2) << "the parameters moved";
      }
    }
  }
}

TEST(FusedAdam, FusedStepOfALibTorchAdamMatchesItsStepAndSurvivesSaveAndLoad) {
  for (torch::Dtype dt : {torch::kDouble, torch::kFloat}) {
    torch::manual_seed(4);
    auto o = torch::TensorOptions().dtype(dt);
    std::vector<torch::Tensor> init{torch::randn({6, 4}, o), torch::randn({9}, o)};
    std::vector<torch::Tensor> cs{torch::rand({6, 4}, o), torch::rand({9}, o)};
    auto a = fresh(init), b = fresh(init);
    const auto ao = torch::optim::AdamOptions(0.02).weight_decay(1e-3);
    torch::optim::Adam ref(a, ao);
    auto fused = std::make_unique<torch::optim::Adam>(b, ao);
    for (int s = 0; s < 30; ++s) {
      if (s == 12) {  // a checkpoint: the fused optimiser's state saved, loaded into a new Adam
        std::stringstream buf;
        torch::save(*fused, buf);
        fused = std::make_unique<torch::optim::Adam>(b, ao);
        torch::load(*fused, buf);
      }
      ref.zero_grad();
      loss_of(a, cs).backward();
      ref.step();
      fused->zero_grad();
      loss_of(b, cs).backward();
      hypergrad::fused_step(*fused);
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_LT(rel_err(b[i].detach(), a[i].detach()), dt == torch::kDouble ? 1e-13 : 1e-5) << "dtype " << dt << ", parameter " << i;
      EXPECT_GT(rel_err(b[i].detach(), init[i]), 1e-2) << "the parameters moved";
      const auto& st = static_cast<const torch::optim::AdamParamState&>(
          *fused->state().at(c10::guts::to_string(b[i].unsafeGetTensorImpl())));
      EXPECT_EQ(st.step(), 30) << "the step count carried through the save and load";
    }
  }
  torch::Tensor q = torch::ones({3}).requires_grad_();
  torch::optim::Adam ams({q}, torch::optim::AdamOptions(0.1).amsgrad(true));
  (q * q).sum().backward();
  EXPECT_THROW(hypergrad::fused_step(ams), std::invalid_argument) << "AMSGrad";
}

TEST(FusedAdam, SameBitsAtOneAndTwoThreads) {
  torch::manual_seed(5);
  torch::Tensor init = torch::randn({200000});
  torch::Tensor c = torch::rand({200000});
  auto run = [&](int threads) {
    const int before = at::get_num_threads();
    at::set_num_threads(threads);
    auto p = fresh({init});
    hypergrad::FusedAdamOptions fo;
    fo.lr = 0.01;
    fo.weight_decay = 1e-3;
    hypergrad::FusedAdam opt(p, fo);
    for (int s = 0; s < 5; ++s) {
      opt.zero_grad();
      loss_of(p, {c}).backward();
      opt.step();
    }
    at::set_num_threads(before);
    return p[0].detach().clone();
  };
  EXPECT_TRUE(torch::equal(run(1), run(2)));
}

TEST(FusedAdam, LeavesAParameterWithoutAGradientAndRejectsWhatItCannotUpdate) {
  torch::Tensor used = torch::ones({3}, torch::kDouble).requires_grad_(), unused = torch::ones({2}, torch::kDouble).requires_grad_();
  hypergrad::FusedAdam opt({used, unused}, {});
  (used * used).sum().backward();
  opt.step();
  EXPECT_TRUE(torch::equal(unused.detach(), torch::ones({2}, torch::kDouble)));
  EXPECT_FALSE(torch::equal(used.detach(), torch::ones({3}, torch::kDouble)));
  EXPECT_THROW(hypergrad::FusedAdam({torch::ones({3}, torch::kDouble)}, {}), std::invalid_argument) << "no gradient";
  EXPECT_THROW(hypergrad::FusedAdam({torch::ones({3, 4}).t().requires_grad_()}, {}), std::invalid_argument)
      << "not contiguous";
}

}  // namespace
}  // namespace hcdc::test
