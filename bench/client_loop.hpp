// The client side every load generator of bench/ shares: N keep-alive HTTP/1.1 connections
// driven from one thread with epoll (plain POSIX sockets, no Beast), one request in flight
// on each; the caller says what each connection sends next and hears every answer with its
// latency. Used by admit_loadgen (the flash sale, the ceiling and the read mode) and
// admit_checkin_loadgen.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bench {

using Clock = std::chrono::steady_clock;

// The name error messages start with (default "bench").
void set_program(std::string name);
// Prints "<program>: <what>[: <errno text>]" and exits 1.
[[noreturn]] void die(const std::string& what);

// Where the load goes (--host, --port, --connections), the same in every load generator.
struct Target {
  std::string host = "127.0.0.1";
  int port = 8080;
  int connections = 256;
};

// Reads the "--name value" pairs of argv from `first` on: the Target's into `target`, every
// other one to `option(name, value)`, which answers false for a name it does not know (the
// program then dies naming it).
using OptionReader = std::function<bool(const std::string& name, const std::string& value)>;
void read_options(int argc, char** argv, int first, Target& target, const OptionReader& option);

// The non-empty lines of a file (dies when it cannot be read).
std::vector<std::string> read_lines(const std::string& path);

// A TCP connection to host:port with TCP_NODELAY (non-blocking: the connect may still be
// under way on return).
int connect_to(const std::string& host, int port, bool nonblocking = true);

// One response at the start of a buffer, framed by Content-Length (none on 204 and 304).
struct Response {
  std::size_t length = 0;  // bytes of the whole response, head included
  int status = 0;
  std::string_view body;
};
// The complete response at the start of `in`, or nothing while more bytes are needed.
std::optional<Response> parse_response(std::string_view in);

// The p-quantile (0..1) of `v` (reorders it); 0 for no values.
double percentile(std::vector<double>& v, double p);

double seconds_since(Clock::time_point since);

class ClientLoop {
 public:
  struct Answer {
    std::size_t connection = 0;
    int status = 0;
    std::string_view body;   // valid during the callback only
    std::size_t bytes = 0;   // of the whole response
    double latency_ms = 0;   // from the request's first byte sent to the answer's last received
    Clock::time_point at;    // when it was complete
  };
  // Writes connection `i`'s next request into `out`; false leaves the connection idle.
  using NextRequest = std::function<bool(std::size_t i, std::string& out)>;
  using OnAnswer = std::function<void(const Answer&)>;
  // Asked before every wait for readiness (at least every poll_ms): true ends run().
  using Stop = std::function<bool()>;

  explicit ClientLoop(const Target& target);
  ~ClientLoop();
  ClientLoop(const ClientLoop&) = delete;
  ClientLoop& operator=(const ClientLoop&) = delete;

  std::size_t size() const { return conns_.size(); }

  // Sends every connection its first request, then hands each answer to `on_answer` and
  // sends that connection its next, until `stop` says so. Dies when the server closes a
  // connection or a socket fails.
  void run(const NextRequest& next, const OnAnswer& on_answer, const Stop& stop, int poll_ms = 100);

 private:
  struct Conn {
    int fd = -1;
    std::string out;
    std::size_t sent = 0;
    std::string in;
    Clock::time_point started;
  };
  void start(std::size_t i, const NextRequest& next);
  void send_some(Conn& c);
  void receive(std::size_t i, const NextRequest& next, const OnAnswer& on_answer);

  int epoll_ = -1;
  std::vector<Conn> conns_;
  std::vector<char> buffer_;
};

}  // namespace bench
