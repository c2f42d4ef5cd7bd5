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

// Runs `fn`, expects an `Error` whose `field_of(e)` is `field` and whose message contains `text`.
template <class Error, class FieldOf>
void expect_error(const std::function<void()>& fn, FieldOf field_of, const std::string& field, const std::string& text) {
  try {
    fn();
    ADD_FAILURE() << "expected an error on '" << field << "'";
  } catch (const Error& e) {
    EXPECT_EQ(field_of(e), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << "message: " << e.what();
  }
}

// An InputError naming the job or file field `field`.
inline void expect_input_error(const std::function<void()>& fn, const std::string& field, const std::string& text) {
  expect_error<InputError>(fn, [](const InputError& e) { return e.field(); }, field, text);
}

// A SettingError: a library naming its own setting, not a job key.
inline void expect_setting_error(const std::function<void()>& fn, const std::string& setting, const std::string& text) {
  expect_error<SettingError>(fn, [](const SettingError& e) { return e.setting(); }, setting, text);
}

}  // namespace hcdc::test
