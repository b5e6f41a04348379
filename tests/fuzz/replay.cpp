// A driver for the fuzz targets without libFuzzer (any compiler, run by ctest): feeds every
// file of the seed corpus, then a bounded number of deterministic mutations of them
// (byte flips, insertions, deletions, splices), so `make test` exercises each target under
// the sanitizers. With clang, -DADMIT_LIBFUZZER=ON links the same targets with libFuzzer
// for open-ended runs instead (tests/fuzz/README.md).
//
//   admit_fuzz_<name> CORPUS_DIR [ITERATIONS]
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

const std::string* g_current = nullptr;  // the input being run, for the report on abort

// A target aborts on a broken property: print the input (C-escaped) so it can be replayed.
void report_and_die(int) {
  if (g_current) {
    std::fputs("failing input: \"", stderr);
    for (unsigned char c : *g_current) {
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') std::fputc(c, stderr);
      else std::fprintf(stderr, "\\x%02x", c);
    }
    std::fputs("\"\n", stderr);
  }
  std::signal(SIGABRT, SIG_DFL);
  std::abort();
}

int run(const std::string& input) {
  g_current = &input;
  return LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(input.data()), input.size());
}

std::string mutate(std::string s, const std::vector<std::string>& seeds, std::mt19937_64& rng) {
  static constexpr char kInteresting[] = {'%', '"', '\\', '{', '}', '[', ']', ',', ':', '0',
                                          '-', '+', ' ', '\t', '\r', '\n', '\0', '\x7f', '\xff', 'e'};
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:  // flip a byte
        if (!s.empty()) s[at % s.size()] = static_cast<char>(rng());
        break;
      case 1:  // insert an interesting byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), kInteresting[rng() % sizeof kInteresting]);
        break;
      case 2:  // delete a run
        if (!s.empty()) s.erase(at % s.size(), 1 + rng() % 8);
        break;
      case 3: {  // splice in part of another seed
        const std::string& other = seeds[rng() % seeds.size()];
        if (!other.empty()) {
          const std::size_t from = rng() % other.size();
          s.insert(at, other.substr(from, 1 + rng() % 32));
        }
        break;
      }
      default:  // duplicate a run
        if (!s.empty()) {
          const std::size_t from = at % s.size();
          s.insert(from, s.substr(from, 1 + rng() % 16));
        }
    }
  }
  if (s.size() > 4096) s.resize(4096);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [ITERATIONS]\n", argv[0]);
    return 2;
  }
  std::signal(SIGABRT, report_and_die);
  const long iterations = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 20000;
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  if (seeds.empty()) {
    std::fprintf(stderr, "no seeds in %s\n", argv[1]);
    return 2;
  }
  for (const auto& s : seeds) run(s);
  std::mt19937_64 rng(20261125);  // fixed: the same inputs every run
  for (long i = 0; i < iterations; ++i) run(mutate(seeds[rng() % seeds.size()], seeds, rng));
  std::printf("%zu seeds and %ld mutations ran\n", seeds.size(), iterations);
  return 0;
}
