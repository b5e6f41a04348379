#pragma once
// PaymentStore over the shared SQL driver (both backends).
#include "domain/ports/payment_store.hpp"
#include "storage/sql/database.hpp"

namespace admit::sql {

class SqlPaymentStore final : public PaymentStore {
 public:
  explicit SqlPaymentStore(Database& db) : db_(db) {}

  void save_session(const Payment& payment) override;
  std::optional<Payment> find(const std::string& registration_id) override;
  PaymentApplied apply(const PaymentEvent& event, Timestamp now,
                       const std::function<LateRefundNotice(const Registration&)>& late_notice) override;
  void refund_requested(const std::string& registration_id, std::int64_t amount,
                        const std::string& reason, Timestamp now) override;
  Result<Registration> mark_paid(const std::string& registration_id, Timestamp now) override;
  std::vector<Payment> unsettled(Timestamp before, int limit) override;
  std::vector<Payment> refunds_due(int limit) override;
  std::vector<ExtraPayment> extras_unrefunded(int limit) override;
  void extra_refund_requested(const std::string& payment_intent, Timestamp now) override;
  void refund_error(const std::string& registration_id, std::optional<std::string> message,
                    Timestamp now) override;

 private:
  Database& db_;
};

}  // namespace admit::sql
