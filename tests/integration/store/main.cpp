// The store suites' main: every test runs against ADMIT_TEST_BACKEND (sqlite|postgres).
#include <gtest/gtest.h>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
