// Ticket PDF rendering throughput (`make bench` runs it from bench/run.sh): renders
// one-page ticket PDFs of realistic content (title, venue, organizer, attendee name,
// type, price, a signed QR code) on N threads for a while and prints tickets per second
// and the size of one PDF, and the CPU time per ticket (what a quiet machine would do). The same renderer the server's PDF pool runs
// (tickets/pdf_tickets.hpp); each thread warms its font cache first, as the pool's
// threads do after their first ticket.
//
//   admit_pdf_bench [--threads N (cores)] [--seconds S (10)] [--out FILE (one sample PDF)]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/random.hpp"
#include "tickets/pdf_tickets.hpp"
#include "tickets/ticket_code.hpp"

namespace {

using namespace admit;

struct Sample {
  Event event;
  Registration registration;
};

Sample sample(const tickets::TicketSigner& signer, int n) {
  static const char* kNames[] = {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Katherine Johnson",
                                 "Edsger Dijkstra", "Barbara Liskov", "Donald Knuth", "Margaret Hamilton"};
  Sample s;
  Event& e = s.event;
  e.id = new_id("evt");
  e.organizer_id = new_id("usr");
  e.title = "Autumn Jazz Night at the Old Harbour Warehouse";
  e.venue = "Old Harbour Warehouse, Hafenstraße 12, 20457 Hamburg";
  e.timezone = "Europe/Berlin";
  e.currency = "EUR";
  e.starts_at = *parse_rfc3339("2026-12-05T19:30:00Z");
  e.ends_at = *parse_rfc3339("2026-12-05T23:00:00Z");
  Registration& r = s.registration;
  r.id = new_id("reg");
  r.event_id = e.id;
  r.currency = "EUR";
  r.total = 3900;
  r.status = RegistrationStatus::confirmed;
  r.created_at = *parse_rfc3339("2026-11-27T10:00:00Z");
  r.items.push_back(RegistrationItem{"typ_standing", 1, 3900, 3900, "Standing, general admission"});
  Ticket t;
  t.id = new_id("tkt");
  t.registration_id = r.id;
  t.event_id = e.id;
  t.ticket_type_id = "typ_standing";
  t.attendee_name = kNames[n % 8];
  t.attendee_email = "guest@example.com";
  t.qr = signer.sign(t.id, e.id);
  r.tickets.push_back(std::move(t));
  return s;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  double seconds = 10;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--threads") threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (a == "--seconds") seconds = std::atof(argv[i + 1]);
    else if (a == "--out") out = argv[i + 1];
  }
  const tickets::TicketSigner signer(1, tickets::generate_secret_key());
  const std::string organizer = "Hamburg Jazz Society e.V.";
  {
    Sample s = sample(signer, 0);
    const std::string pdf = tickets::render_ticket_pdf(TicketSheet{s.event, s.registration, organizer});
    std::printf("pdf_bytes=%zu\n", pdf.size());
    if (!out.empty()) std::ofstream(out, std::ios::binary) << pdf;
  }
  std::atomic<bool> go{false}, stop{false};
  std::vector<long> counts(threads, 0);
  std::vector<std::thread> pool;
  std::atomic<unsigned> warm{0};
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::vector<Sample> samples;
      for (int i = 0; i < 16; ++i) samples.push_back(sample(signer, i + static_cast<int>(t)));
      (void)tickets::render_ticket_pdf(TicketSheet{samples[0].event, samples[0].registration, organizer});
      ++warm;
      while (!go) std::this_thread::yield();
      long n = 0;
      while (!stop) {
        const Sample& s = samples[static_cast<std::size_t>(n) % samples.size()];
        (void)tickets::render_ticket_pdf(TicketSheet{s.event, s.registration, organizer});
        ++n;
      }
      counts[t] = n;
    });
  }
  while (warm < threads) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  const double cpu_before = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long total = 0;
  for (long c : counts) total += c;
  const double cpu = cpu_seconds() - cpu_before;
  // CPU time per ticket says what the machine could do when nothing else runs on it
  // (cores / cpu_ms_per_ticket * 1000), whatever else shared the cores during the run.
  std::printf("threads=%u seconds=%.2f tickets=%ld tickets_per_s=%.0f cpu_ms_per_ticket=%.3f\n", threads,
              elapsed, total, static_cast<double>(total) / elapsed, total ? cpu * 1000.0 / static_cast<double>(total) : 0.0);
  return 0;
}
