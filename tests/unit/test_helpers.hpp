#pragma once
// Shared fixtures: a fresh temporary directory per test, cleaned up afterwards.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace hcdc::test {

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* base = std::getenv("HCDC_TEST_TMP");
    if (!base) base = HCDC_TEST_TMP_DIR;
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(base) /
           (std::string(info->test_suite_name()) + "." + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  // Files in the directory other than the named ones (to prove nothing half-written remains).
  std::size_t file_count() const {
    std::size_t n = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir_)) ++n;
    return n;
  }
  std::filesystem::path dir_;
};

}  // namespace hcdc::test

#include <functional>

#include "hcdc/core/error.hpp"

namespace hcdc::test {

// Runs `fn`, expects an InputError whose field is `field` and whose message contains `text`.
inline void expect_input_error(const std::function<void()>& fn, const std::string& field, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "expected an InputError on field '" << field << "'";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << "message: " << e.what();
  }
}

}  // namespace hcdc::test
