// Answers of the API for page and component tests, typed by the generated schema.
import type { Registration } from '@/lib/api';

/** A confirmed free registration of event `evt_1` with one "General" ticket type item. */
export function aRegistration(overrides: Partial<Registration> = {}): Registration {
  return {
    id: 'reg_1',
    event_id: 'evt_1',
    user_id: 'usr_1',
    status: 'confirmed',
    items: [{ ticket_type_id: 'tt_1', ticket_type_name: 'General', quantity: 1, unit_price: 0, amount: 0 }],
    total: 0,
    currency: 'EUR',
    expires_at: null,
    checkout_url: null,
    refund_status: null,
    payment_flags: [],
    created_at: '2030-04-01T10:00:00Z',
    cancelled_at: null,
    tickets_issued_at: null,
    tickets_emailed_at: null,
    tickets: [],
    ...overrides,
  };
}
