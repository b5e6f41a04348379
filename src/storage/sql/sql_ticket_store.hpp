#pragma once
// TicketStore over the shared SQL driver (both backends).
#include "domain/ports/ticket_store.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlTicketStore final : public TicketStore {
 public:
  explicit SqlTicketStore(Database& db) : db_(db) {}

  std::vector<std::string> unissued(int limit) override;
  std::vector<bool> mark_issued(const std::vector<IssuedTickets>& batch, Timestamp now) override;
  std::optional<std::string> registration_of_ticket(const std::string& ticket_id) override;

 private:
  Database& db_;
};

}  // namespace admit::sql
