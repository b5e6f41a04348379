#include "domain/services/ticket_service.hpp"

#include <exception>
#include <memory>
#include <vector>

#include "common/log.hpp"
#include "domain/services/ticket_mails.hpp"

namespace admit {

TicketService::TicketService(TicketStore& tickets, RegistrationStore& registrations,
                             EventStore& events, UserStore& users, BlobStore& blobs,
                             const TicketDocuments& documents, const LinkSigner& links,
                             const Clock& clock, TicketSettings settings)
    : tickets_(tickets),
      registrations_(registrations),
      events_(events),
      users_(users),
      blobs_(blobs),
      documents_(documents),
      links_(links),
      clock_(clock),
      settings_(std::move(settings)),
      loop_("ticket-issuer", settings_.poll_interval, BackgroundLoop::each([this] { issue_step(); }),
            false) {}

TicketService::~TicketService() { stop(); }

std::string TicketService::pdf_key(const std::string& registration_id) {
  return "tickets/" + registration_id + ".pdf";
}

std::string TicketService::pdf_filename(const std::string& registration_id) {
  return "tickets-" + registration_id + ".pdf";
}

std::string TicketService::download_path(const std::string& registration_id) {
  return "/api/v1/files/tickets/" + registration_id + ".pdf";
}

std::optional<TicketService::Loaded> TicketService::load(const std::string& registration_id) {
  auto r = registrations_.find(registration_id);
  if (!r) return std::nullopt;
  auto e = events_.find_event(r->event_id);
  if (!e) return std::nullopt;
  auto organizer = users_.find_user(e->organizer_id);
  return Loaded{std::move(*r), std::move(*e), organizer ? organizer->name : std::string()};
}

std::string TicketService::render(const Loaded& l) const {
  return documents_.pdf(TicketSheet{l.event, l.registration, l.organizer_name});
}

QueuedMail TicketService::confirmation_mail(const Loaded& l) const {
  QueuedMail m = tickets_mail(l.event, l.registration, l.organizer_name, settings_.public_url);
  MailAttachment pdf;
  pdf.filename = pdf_filename(l.registration.id);
  pdf.content_type = "application/pdf";
  pdf.blob_key = pdf_key(l.registration.id);
  MailAttachment ics;
  ics.filename = "event.ics";
  ics.content_type = "text/calendar; charset=utf-8; method=PUBLISH";
  ics.content = documents_.calendar(l.event, l.registration,
                                    settings_.public_url + "/events/" + l.event.id);
  m.attachments = {std::move(pdf), std::move(ics)};
  return m;
}

Result<IssuedTickets> TicketService::prepare(Loaded& l) const {
  Registration& r = l.registration;
  IssuedTickets issued;
  issued.registration_id = r.id;
  for (auto& t : r.tickets) {
    if (t.qr) continue;
    auto code = documents_.code(t);
    if (!code) return Error::internal("ticket " + t.id + " has ids that cannot be coded");
    t.qr = *code;
    issued.codes.emplace_back(t.id, *code);
  }
  if (auto put = blobs_.put(pdf_key(r.id), render(l), "application/pdf"); !put) return put.error();
  if (!r.buyer_email.empty()) issued.mail = confirmation_mail(l);
  return issued;
}

bool TicketService::issuable(const std::optional<Loaded>& l) {
  return l && l->registration.status == RegistrationStatus::confirmed &&
         !l->registration.tickets_issued_at;
}

Status TicketService::issue(const std::string& registration_id) {
  auto l = load(registration_id);
  if (!l) return Error::not_found("registration");
  if (!issuable(l)) return {};
  auto issued = prepare(*l);
  if (!issued) return issued.error();
  tickets_.mark_issued({std::move(*issued)}, clock_.now());
  return {};
}

int TicketService::issue_pending(int limit) {
  int n = 0;
  for (const auto& id : tickets_.unissued(limit)) {
    if (auto ok = issue(id); ok) ++n;
    else log::warn("issuing tickets failed", {{"registration", id}, {"error", ok.error().detail}});
  }
  return n;
}

void TicketService::start(WorkPool& pool) {
  {
    std::lock_guard lock(mu_);
    pool_ = &pool;
  }
  loop_.start();
}

void TicketService::stop() { loop_.stop(); }

void TicketService::wake() { loop_.wake(); }

void TicketService::issue_step() {
  commit_ready();
  WorkPool* pool = nullptr;
  std::size_t busy = 0, waiting = 0;
  {
    std::lock_guard lock(mu_);
    pool = pool_;
    busy = in_flight_.size();
    waiting = retries_.size();
  }
  // Refill the pool in bulk, once half of its queue has drained: while a sale keeps the
  // cores busy the idle-priority PDF threads hardly run, and this pass reads nothing.
  const std::size_t capacity = pool->capacity();
  if (busy > capacity / 2 || yielding()) return;
  std::vector<std::string> ids;
  try {
    ids = tickets_.unissued(static_cast<int>(capacity + busy + waiting));
  } catch (const std::exception& e) {
    log::warn("looking for tickets to issue failed", {{"error", e.what()}});
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  for (const auto& id : ids) {
    {
      std::lock_guard lock(mu_);
      if (in_flight_.size() >= capacity) break;
      auto retry = retries_.find(id);
      if (retry != retries_.end() && retry->second.next > now) continue;
      if (in_flight_.contains(id)) continue;
    }
    std::optional<Loaded> l;
    try {
      l = load(id);
    } catch (const std::exception& e) {
      std::lock_guard lock(mu_);
      failed(id, e.what());
      continue;
    }
    if (!issuable(l)) continue;
    auto job = std::make_shared<Loaded>(std::move(*l));
    {
      std::lock_guard lock(mu_);
      in_flight_.insert(id);
    }
    if (!pool->try_post([this, job] { render_from_loop(*job); })) {
      std::lock_guard lock(mu_);
      in_flight_.erase(id);
      break;  // the pool is full: the rest waits for the next pass
    }
  }
}

bool TicketService::yielding() {
  if (!settings_.urgent_writes) return false;
  const auto now = std::chrono::steady_clock::now();
  if (const std::uint64_t n = settings_.urgent_writes(); n != urgent_seen_) {
    urgent_seen_ = n;
    urgent_moved_at_ = now;
  }
  if (now - urgent_moved_at_ >= settings_.quiet_after) {
    yield_since_.reset();
    return false;
  }
  if (!yield_since_) yield_since_ = now;
  if (now - *yield_since_ >= settings_.max_yield) {
    yield_since_ = now;  // a long sale: one pass now, then wait again
    return false;
  }
  return true;
}

void TicketService::render_from_loop(Loaded& l) {
  const std::string id = l.registration.id;
  std::string error;
  std::optional<IssuedTickets> issued;
  try {
    if (auto r = prepare(l)) issued = std::move(*r);
    else error = r.error().detail;
  } catch (const std::exception& e) {
    error = e.what();
  }
  {
    std::lock_guard lock(mu_);
    if (!issued) {
      in_flight_.erase(id);
      failed(id, error);
      return;
    }
    ready_.push_back(std::move(*issued));
  }
  loop_.wake();  // the loop commits what is ready, together
}

void TicketService::commit_ready() {
  std::vector<IssuedTickets> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(ready_);
  }
  if (batch.empty()) return;
  std::string error;
  try {
    tickets_.mark_issued(batch, clock_.now());
  } catch (const std::exception& e) {
    error = e.what();
  }
  std::lock_guard lock(mu_);
  for (const auto& issued : batch) {
    in_flight_.erase(issued.registration_id);
    if (error.empty()) retries_.erase(issued.registration_id);
    else failed(issued.registration_id, error);
  }
}

void TicketService::failed(const std::string& id, const std::string& error) {
  Retry& r = retries_[id];
  ++r.attempts;
  const auto wait = std::chrono::seconds(std::min<std::int64_t>(600, std::int64_t{1} << std::min(r.attempts - 1, 10)));
  r.next = std::chrono::steady_clock::now() + wait;
  log::warn("issuing tickets failed", {{"registration", id},
                                       {"error", error},
                                       {"attempt", r.attempts},
                                       {"retry_in_s", static_cast<std::int64_t>(wait.count())}});
}

void TicketService::on_event_updated(const Event& event) {
  WorkPool* pool = nullptr;
  if (loop_.running()) {
    std::lock_guard lock(mu_);
    pool = pool_;
  }
  const std::string id = event.id;
  if (!pool || !pool->try_post([this, id] { drop_pdfs(id); })) drop_pdfs(id);
}

void TicketService::drop_pdfs(const std::string& event_id) {
  RegistrationQuery q;
  q.event_id = event_id;
  q.status = RegistrationStatus::confirmed;
  q.limit = 200;
  int dropped = 0;
  try {
    for (;;) {
      auto page = registrations_.list_for_event(q);
      if (!page) break;
      for (const auto& r : page->items)
        if (r.tickets_issued_at && blobs_.remove(pdf_key(r.id))) ++dropped;
      if (!page->next_cursor) break;
      q.cursor = page->next_cursor;
    }
  } catch (const std::exception& e) {
    log::warn("dropping ticket PDFs of a changed event failed", {{"event", event_id}, {"error", e.what()}});
  }
  if (dropped > 0) log::info("ticket PDFs dropped after an event change", {{"event", event_id}, {"pdfs", dropped}});
}

Result<Registration> TicketService::authorize(const Actor& actor, const std::string& registration_id) {
  auto r = registrations_.find(registration_id);
  if (!r) return Error::not_found("ticket");
  if (r->user_id == actor.user_id || actor.is_admin()) return std::move(*r);
  auto e = events_.find_event(r->event_id);
  if (e && (e->organizer_id == actor.user_id)) return std::move(*r);
  return Error::not_found("ticket");
}

Result<std::string> TicketService::pdf_link(const Actor& actor, const std::string& ticket_id) {
  auto registration_id = tickets_.registration_of_ticket(ticket_id);
  if (!registration_id) return Error::not_found("ticket");
  auto r = authorize(actor, *registration_id);
  if (!r) return r.error();
  if (r->status != RegistrationStatus::confirmed)
    return Error::conflict("Tickets are valid only for a confirmed registration (this one is " +
                           std::string(to_string(r->status)) + ").");
  if (auto presigned = blobs_.presigned_get(pdf_key(r->id), settings_.link_ttl, pdf_filename(r->id))) {
    // The object must exist before a client is sent there.
    auto have = blobs_.exists(pdf_key(r->id));
    if (!have) return have.error();
    if (!*have) {
      auto bytes = pdf_bytes(r->id);
      if (!bytes) return bytes.error();
    }
    return *presigned;
  }
  return settings_.public_url + links_.sign(download_path(r->id), actor.user_id,
                                            clock_.now() + settings_.link_ttl);
}

Result<PdfFile> TicketService::pdf_for_link(const Actor& actor, const std::string& registration_id,
                                            const std::string& expires, const std::string& signature) {
  if (!links_.verify(download_path(registration_id), actor.user_id, expires, signature, clock_.now()))
    return Error::forbidden("This download link is not valid (it may have expired).");
  auto r = registrations_.find(registration_id);
  if (!r || r->status != RegistrationStatus::confirmed)
    return Error::forbidden("This download link is not valid (it may have expired).");
  auto bytes = pdf_bytes(registration_id);
  if (!bytes) return bytes.error();
  return PdfFile{pdf_filename(registration_id), std::move(*bytes)};
}

Result<std::string> TicketService::calendar(const Actor& actor, const std::string& registration_id) {
  auto r = authorize(actor, registration_id);
  if (!r) return Error::not_found("registration");
  if (r->status != RegistrationStatus::confirmed)
    return Error::conflict("Only a confirmed registration has a calendar entry.");
  auto e = events_.find_event(r->event_id);
  if (!e) return Error::not_found("registration");
  return documents_.calendar(*e, *r, settings_.public_url + "/events/" + e->id);
}

Result<std::string> TicketService::attachment(const std::string& blob_key) {
  constexpr std::string_view kPrefix = "tickets/", kSuffix = ".pdf";
  if (blob_key.size() > kPrefix.size() + kSuffix.size() && blob_key.rfind(kPrefix, 0) == 0 &&
      blob_key.compare(blob_key.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
    return pdf_bytes(blob_key.substr(kPrefix.size(), blob_key.size() - kPrefix.size() - kSuffix.size()));
  auto bytes = blobs_.get(blob_key);
  if (!bytes) return bytes.error();
  if (!*bytes) return Error::not_found("attachment " + blob_key);
  return std::move(**bytes);
}

Result<std::string> TicketService::pdf_bytes(const std::string& registration_id) {
  auto stored = blobs_.get(pdf_key(registration_id));
  if (!stored) return stored.error();
  if (*stored) return std::move(**stored);
  // Lost (or never stored): render again from the database. Codes are issued first when
  // the registration was never issued.
  auto l = load(registration_id);
  if (!l) return Error::not_found("registration");
  if (!l->registration.tickets_issued_at &&
      l->registration.status == RegistrationStatus::confirmed) {
    if (auto ok = issue(registration_id); !ok) return ok.error();
    auto issued = blobs_.get(pdf_key(registration_id));
    if (issued && *issued) return std::move(**issued);
    l = load(registration_id);
    if (!l) return Error::not_found("registration");
  }
  for (const auto& t : l->registration.tickets)
    if (!t.qr) return Error::unavailable(2, "The tickets are being issued; try again shortly.");
  std::string pdf = render(*l);
  if (auto put = blobs_.put(pdf_key(registration_id), pdf, "application/pdf"); !put)
    log::warn("storing a re-rendered PDF failed", {{"registration", registration_id}});
  log::info("ticket PDF rendered again", {{"registration", registration_id}});
  return pdf;
}

}  // namespace admit
