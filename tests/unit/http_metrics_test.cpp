#include <gtest/gtest.h>

#include <stdexcept>

#include "http/metrics.hpp"

namespace admit::http {
namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(Metrics, CountsRequestsAndBuildsHistogram) {
  Metrics m;
  m.observe_request("/api/v1/events/{id}", Method::get, 200, 0.0004);
  m.observe_request("/api/v1/events/{id}", Method::get, 200, 0.003);
  m.observe_request("/api/v1/events/{id}", Method::get, 404, 20.0);
  m.observe_request("static", Method::head, 200, 0.001);
  std::string text = m.render();

  EXPECT_TRUE(contains(text, "# TYPE admit_http_requests_total counter\n"));
  EXPECT_TRUE(contains(text, "admit_http_requests_total{route=\"/api/v1/events/{id}\",method=\"GET\",status=\"200\"} 2\n"));
  EXPECT_TRUE(contains(text, "admit_http_requests_total{route=\"/api/v1/events/{id}\",method=\"GET\",status=\"404\"} 1\n"));
  EXPECT_TRUE(contains(text, "admit_http_requests_total{route=\"static\",method=\"HEAD\",status=\"200\"} 1\n"));

  EXPECT_TRUE(contains(text, "# TYPE admit_http_request_duration_seconds histogram\n"));
  const std::string b = "admit_http_request_duration_seconds_bucket{route=\"/api/v1/events/{id}\",le=";
  EXPECT_TRUE(contains(text, b + "\"0.001\"} 1\n"));
  EXPECT_TRUE(contains(text, b + "\"0.0025\"} 1\n"));
  EXPECT_TRUE(contains(text, b + "\"0.005\"} 2\n"));
  EXPECT_TRUE(contains(text, b + "\"10\"} 2\n"));
  EXPECT_TRUE(contains(text, b + "\"+Inf\"} 3\n"));
  EXPECT_TRUE(contains(text, "admit_http_request_duration_seconds_count{route=\"/api/v1/events/{id}\"} 3\n"));
  // le is inclusive: 1 ms falls in the 0.001 bucket.
  EXPECT_TRUE(contains(text, "admit_http_request_duration_seconds_bucket{route=\"static\",le=\"0.001\"} 1\n"));
}

TEST(Metrics, GaugesAndCountersFromCallbacks) {
  Metrics m;
  double depth = 3;
  m.add_gauge("admit_work_queue_depth", "Requests waiting", [&] { return depth; });
  m.add_counter("admit_mail_sent_total", "Mails sent", [] { return 12.0; });
  m.add_gauge("admit_broken", "Throws", []() -> double { throw std::runtime_error("x"); });
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# HELP admit_work_queue_depth Requests waiting\n# TYPE admit_work_queue_depth gauge\nadmit_work_queue_depth 3\n"));
  EXPECT_TRUE(contains(text, "# TYPE admit_mail_sent_total counter\nadmit_mail_sent_total 12\n"));
  EXPECT_FALSE(contains(text, "admit_broken"));
  depth = 0.5;
  EXPECT_TRUE(contains(m.render(), "admit_work_queue_depth 0.5\n"));

  EXPECT_THROW(m.add_gauge("admit_work_queue_depth", "again", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(m.add_gauge("bad name", "x", [] { return 1.0; }), std::invalid_argument);
  EXPECT_THROW(m.add_gauge("1bad", "x", [] { return 1.0; }), std::invalid_argument);
}

TEST(Metrics, EscapesLabelValues) {
  Metrics m;
  m.observe_request("a\"b\\c", Method::post, 201, 0.01);
  EXPECT_TRUE(contains(m.render(), "route=\"a\\\"b\\\\c\""));
}

}  // namespace
}  // namespace admit::http
