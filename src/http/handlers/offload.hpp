#pragma once
// Running slow work (password hashing) on a dedicated bounded pool: the handler answers
// from that pool, and a full pool answers 503 with Retry-After at once instead of queueing.
#include <functional>

#include "common/work_pool.hpp"
#include "domain/model/client_info.hpp"
#include "http/message.hpp"

namespace admit::http {

// Posts fn to `pool`; its Response (or a 500 when it throws) answers the request.
void offload(WorkPool& pool, const Request& req, const Respond& respond,
             std::function<Response()> fn);

// The client address and user agent of a request (rate limits, audit, sessions list).
ClientInfo client_of(const Request& req);

}  // namespace admit::http
