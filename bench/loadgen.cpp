// admit_loadgen: a flash-sale load generator of our own (plain POSIX sockets + epoll, one
// thread, no Beast). It keeps N keep-alive connections busy with
// POST /api/v1/events/{id}/registrations (each request a fresh Idempotency-Key, one ticket
// of the event's first ticket type), spreading connections over the events and tokens
// given, until every seat is sold and then for --after seconds more. It prints the sale
// phase (confirmed/s, latency percentiles) and the sold-out phase (sold-out answers/s).
//
//   admit_loadgen --port 8080 --connections 256 (--tokens FILE | --sessions FILE) --events FILE
//                 --seats N [--after 2] [--timeout 120] [--host 127.0.0.1]
// tokens FILE: one bearer token a line. sessions FILE: one session cookie secret a line; the
// requests are then the web app's (`Cookie: admit_session=...`, `X-Admit-CSRF: 1` and the
// `Origin` of the server's default public URL, http://HOST:PORT). events FILE: "<event id> <ticket type id>" a line.
// Output: human lines, then one machine line "RESULT key=value ...".
//
//   admit_loadgen --port 8081 --connections 256 --get /small.txt --duration 5
// The ceiling: the same connections sending GET PATH back to back for --duration
// seconds (a small static file served by nginx); prints "CEILING answers_per_s=... ...".
// `admit_loadgen get ...` (first argument): the read benchmark's mode, with latency
// percentiles and idle connections held open (read_load.cpp, bench/reads.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client_loop.hpp"

namespace {

using bench::Clock;
using bench::die;
using bench::percentile;

struct Options {
  bench::Target target;
  std::string tokens_file;
  std::string sessions_file;  // instead of tokens: browser sessions
  std::string events_file;
  long seats = 0;       // total seats over all events
  double after = 2.0;   // seconds of sold-out traffic after the last seat
  double timeout = 180; // give up after this many seconds
  std::string get_path; // ceiling mode: GET this path
  double duration = 5;  // ceiling mode: seconds
};

// Ceiling mode: GET o.get_path on every connection, back to back, for o.duration seconds.
int run_ceiling(const Options& o) {
  const std::string request = "GET " + o.get_path + " HTTP/1.1\r\nHost: " + o.target.host + "\r\n\r\n";
  bench::ClientLoop loop(o.target);
  long ok = 0, other = 0;
  std::vector<double> latency_ms;
  latency_ms.reserve(1 << 20);
  const auto start = Clock::now();
  loop.run([&](std::size_t, std::string& out) { out = request; return true; },
           [&](const bench::ClientLoop::Answer& a) {
             if (a.status != 200) {
               ++other;
               return;
             }
             ++ok;
             latency_ms.push_back(a.latency_ms);
           },
           [&] { return bench::seconds_since(start) >= o.duration; });
  const double seconds = bench::seconds_since(start);
  const double p50 = percentile(latency_ms, 0.50), p99 = percentile(latency_ms, 0.99);
  std::printf("ceiling: %ld answers in %.2f s = %.0f/s; latency p50 %.2f ms, p99 %.2f ms\n", ok,
              seconds, static_cast<double>(ok) / seconds, p50, p99);
  std::printf("CEILING answers=%ld answers_per_s=%.0f p50_ms=%.2f p99_ms=%.2f other=%ld\n", ok,
              static_cast<double>(ok) / seconds, p50, p99, other);
  return other == 0 && ok > 0 ? 0 : 1;
}

using Event = std::pair<std::string, std::string>;  // event id, ticket type id

// The flash sale: what each connection sends, what came back, and when every seat was sold.
class Sale {
 public:
  // `credentials`: the callers' `Authorization` or `Cookie` header fields, one per caller.
  Sale(const Options& o, std::vector<std::string> credentials, std::vector<Event> events)
      : o_(o), credentials_(std::move(credentials)), events_(std::move(events)), full_(events_.size(), false),
        event_of_(static_cast<std::size_t>(o.target.connections)), sent_(static_cast<std::size_t>(o.target.connections), 0),
        run_id_(std::to_string(std::chrono::system_clock::now().time_since_epoch().count())) {
    for (std::size_t i = 0; i < event_of_.size(); ++i) event_of_[i] = i % events_.size();
    sale_latency_ms_.reserve(1 << 20);
  }

  int run() {
    bench::ClientLoop loop(o_.target);
    start_ = last_confirmed_ = Clock::now();
    loop.run([this](std::size_t i, std::string& out) { return request(i, out); },
             [this](const bench::ClientLoop::Answer& a) { answer(a); }, [this] { return done(); });
    return report();
  }

 private:
  // One ticket of the connection's event, with a fresh Idempotency-Key.
  bool request(std::size_t i, std::string& out) {
    const Event& event = events_[event_of_[i]];
    const std::string& credential = credentials_[i % credentials_.size()];
    const std::string body = "{\"items\":[{\"ticket_type_id\":\"" + event.second + "\",\"quantity\":1}]}";
    out = "POST /api/v1/events/" + event.first + "/registrations HTTP/1.1\r\nHost: " + o_.target.host +
          "\r\n" + credential + "\r\nIdempotency-Key: " + run_id_ + "-" + std::to_string(i) + "-" +
          std::to_string(++sent_[i]) + "\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body;
    return true;
  }

  void answer(const bench::ClientLoop::Answer& a) {
    ++statuses_[a.status];
    const bool sold_out = a.status == 409 && a.body.find("\"sold_out\"") != std::string_view::npos;
    if (a.status == 201) {
      ++confirmed_;
      last_confirmed_ = a.at;
      sale_latency_ms_.push_back(a.latency_ms);
    } else if (sold_out) {
      ++sold_out_;
      move_on(a.connection);
      if (all_sold_) {
        ++sold_out_after_;
        soldout_latency_ms_.push_back(a.latency_ms);
      } else {
        sale_latency_ms_.push_back(a.latency_ms);
      }
    } else if (a.status == 503) {
      ++unavailable_;
    } else if (++other_ <= 3) {
      std::cerr << "unexpected answer: " << a.status << "\n";
    }
    if (!all_sold_ && confirmed_ >= o_.seats) {
      all_sold_ = true;
      sold_at_ = a.at;
    }
  }

  // A client whose event sold out moves on to one that has seats (as people do).
  void move_on(std::size_t i) {
    full_[event_of_[i]] = true;
    for (std::size_t step = 1; step <= events_.size(); ++step) {
      const std::size_t next = (event_of_[i] + step) % events_.size();
      if (!full_[next]) {
        event_of_[i] = next;
        return;
      }
    }
  }

  bool done() const {
    if (bench::seconds_since(start_) > o_.timeout) {
      std::cerr << "admit_loadgen: timeout after " << o_.timeout << " s (not every seat sold)\n";
      return true;
    }
    return all_sold_ && bench::seconds_since(sold_at_) >= o_.after;
  }

  int report() {
    const double sale_s = std::max(1e-9, std::chrono::duration<double>(last_confirmed_ - start_).count());
    const double after_s = all_sold_ ? std::max(1e-9, bench::seconds_since(sold_at_)) : 0;
    const double rate = static_cast<double>(confirmed_) / sale_s;
    const double so_rate = after_s > 0 ? static_cast<double>(sold_out_after_) / after_s : 0;
    const double p50 = percentile(sale_latency_ms_, 0.50), p99 = percentile(sale_latency_ms_, 0.99);
    const double so_p50 = percentile(soldout_latency_ms_, 0.50), so_p99 = percentile(soldout_latency_ms_, 0.99);
    std::printf("sale:     %ld confirmed in %.2f s = %.0f confirmed/s; latency p50 %.2f ms, p99 %.2f ms\n",
                confirmed_, sale_s, rate, p50, p99);
    std::printf("sold out: %ld sold_out answers in %.2f s after the last seat = %.0f/s; latency p50 %.2f ms, p99 %.2f ms\n",
                sold_out_after_, after_s, so_rate, so_p50, so_p99);
    std::printf("answers:");
    long answers = 0;
    for (const auto& [s, count] : statuses_) {
      std::printf(" %d=%ld", s, count);
      answers += count;
    }
    std::printf(" (503 unavailable %ld, other %ld)\n", unavailable_, other_);
    std::printf("RESULT confirmed=%ld sale_seconds=%.3f confirmed_per_s=%.0f p50_ms=%.2f p99_ms=%.2f "
                "sold_out_per_s=%.0f sold_out_p99_ms=%.2f unavailable=%ld other=%ld all_sold=%d answers=%ld\n",
                confirmed_, sale_s, rate, p50, p99, so_rate, so_p99, unavailable_, other_, all_sold_ ? 1 : 0,
                answers);
    return all_sold_ && other_ == 0 ? 0 : 1;
  }

  const Options& o_;
  std::vector<std::string> credentials_;
  std::vector<Event> events_;
  std::vector<bool> full_;                // events sold out
  std::vector<std::size_t> event_of_;     // per connection
  std::vector<long> sent_;                // per connection: requests so far (the key's suffix)
  std::string run_id_;
  long confirmed_ = 0, sold_out_ = 0, other_ = 0, unavailable_ = 0, sold_out_after_ = 0;
  std::map<int, long> statuses_;
  std::vector<double> sale_latency_ms_, soldout_latency_ms_;
  Clock::time_point start_, last_confirmed_, sold_at_;
  bool all_sold_ = false;
};

}  // namespace

int run_reads(int argc, char** argv);  // read_load.cpp: `admit_loadgen get ...`

int main(int argc, char** argv) {
  bench::set_program("admit_loadgen");
  if (argc > 1 && std::string_view(argv[1]) == "get") return run_reads(argc, argv);
  Options o;
  bench::read_options(argc, argv, 1, o.target, [&](const std::string& k, const std::string& v) {
    if (k == "--tokens") o.tokens_file = v;
    else if (k == "--sessions") o.sessions_file = v;
    else if (k == "--events") o.events_file = v;
    else if (k == "--seats") o.seats = std::atol(v.c_str());
    else if (k == "--after") o.after = std::atof(v.c_str());
    else if (k == "--timeout") o.timeout = std::atof(v.c_str());
    else if (k == "--get") o.get_path = v;
    else if (k == "--duration") o.duration = std::atof(v.c_str());
    else return false;
    return true;
  });
  if (!o.get_path.empty()) return run_ceiling(o);
  if (o.tokens_file.empty() == o.sessions_file.empty() || o.events_file.empty() || o.seats <= 0)
    die("usage: admit_loadgen --port P --connections N (--tokens FILE | --sessions FILE) --events FILE --seats N");
  std::vector<std::string> credentials;
  if (!o.tokens_file.empty()) {
    for (const auto& token : bench::read_lines(o.tokens_file)) credentials.push_back("Authorization: Bearer " + token);
  } else {
    // The web app's way: the session cookie, the page's origin and the CSRF header.
    const std::string origin = "Origin: http://" + o.target.host + ":" + std::to_string(o.target.port) +
                               "\r\nX-Admit-CSRF: 1\r\nCookie: admit_session=";
    for (const auto& secret : bench::read_lines(o.sessions_file)) credentials.push_back(origin + secret);
  }
  std::vector<Event> events;
  for (const auto& l : bench::read_lines(o.events_file)) {
    auto sp = l.find(' ');
    if (sp == std::string::npos) die("bad events line: " + l);
    events.emplace_back(l.substr(0, sp), l.substr(sp + 1));
  }
  if (credentials.empty() || events.empty()) die("no tokens or sessions, or no events");
  return Sale(o, std::move(credentials), std::move(events)).run();
}
