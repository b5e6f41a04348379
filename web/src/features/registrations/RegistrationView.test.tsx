import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import type { Event, Registration, Ticket } from '@/lib/api';
import { aRegistration } from '@/test/fixtures';
import { PayAction, TicketList, ticketTypeName, ticketsNotice } from './RegistrationView';

// The public event view: the hidden "Crew" type the attendee bought with a promo code is
// not listed, only "General".
const event = {
  id: 'evt_1',
  title: 'Test concert',
  starts_at: '2030-05-01T18:00:00Z',
  ends_at: '2030-05-01T21:00:00Z',
  timezone: 'Europe/Berlin',
  venue: 'Hall',
  currency: 'EUR',
  cancel_cutoff_hours: null,
  ticket_types: [{ id: 'tt_general', name: 'General', hidden: false }],
} as unknown as Event;

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 'tkt_1',
    registration_id: 'reg_1',
    event_id: 'evt_1',
    ticket_type_id: 'tt_crew',
    ticket_type_name: 'Crew',
    attendee_name: 'Alice Attendee',
    attendee_email: 'alice@example.com',
    status: 'valid',
    qr: null,
    pdf_url: null,
    checked_in_at: null,
    ...overrides,
  };
}

function registration(tickets: Ticket[]): Registration {
  return aRegistration({
    items: [{ ticket_type_id: 'tt_crew', ticket_type_name: 'Crew', quantity: tickets.length, unit_price: 0, amount: 0 }],
    tickets,
  });
}

describe('ticketTypeName', () => {
  it('uses the name the registration carries, even for a type the event view hides', () => {
    expect(ticketTypeName(ticket(), event)).toBe('Crew');
    expect(ticketTypeName(ticket(), undefined)).toBe('Crew');
  });

  it('falls back to the event list, then to a generic word', () => {
    expect(ticketTypeName(ticket({ ticket_type_id: 'tt_general', ticket_type_name: null }), event)).toBe('General');
    expect(ticketTypeName(ticket({ ticket_type_name: null }), event)).toBe('Ticket');
  });
});

describe('TicketList', () => {
  it('shows the real name of a hidden ticket type the attendee bought', () => {
    render(<TicketList reg={registration([ticket()])} ev={event} />);
    const row = screen.getByRole('row', { name: /Alice Attendee/ });
    expect(within(row).getByRole('cell', { name: 'Crew' })).toBeInTheDocument();
    expect(screen.queryByText('Ticket', { selector: 'td' })).not.toBeInTheDocument();
  });
});

describe('ticketsNotice', () => {
  it('says "emailed" only once the mail was queued', () => {
    const r = registration([ticket()]);
    expect(ticketsNotice(r)).toMatch(/being prepared/);
    expect(ticketsNotice({ ...r, tickets_issued_at: '2030-04-01T10:00:01Z' })).toMatch(/ready/);
    expect(ticketsNotice({ ...r, tickets_issued_at: '2030-04-01T10:00:01Z', tickets_emailed_at: '2030-04-01T10:00:01Z' }))
      .toMatch(/emailed your tickets/);
    expect(ticketsNotice({ ...r, status: 'pending_payment' })).toBeNull();
  });
});

describe('PayAction', () => {
  const held = (checkout_url: string | null): Registration =>
    ({ ...registration([]), status: 'pending_payment', total: 2500, checkout_url });

  it('links to the checkout when online payment is configured', () => {
    render(<PayAction reg={held('/api/v1/registrations/reg_1/checkout')} ev={event} />);
    expect(screen.getByRole('link', { name: 'Pay now' })).toHaveAttribute('href', '/api/v1/registrations/reg_1/checkout');
  });

  it('says online payment is not configured when there is no checkout, and how else to pay', () => {
    const { unmount } = render(<PayAction reg={held(null)} ev={event} />);
    expect(screen.queryByRole('link', { name: 'Pay now' })).toBeNull();
    expect(screen.getByText('Online payment is not configured on this site.')).toBeInTheDocument();
    expect(screen.getByText(/contact the organizer/)).toBeInTheDocument();
    unmount();
    render(<PayAction reg={held(null)} ev={{ ...event, pay_at_door: true }} />);
    expect(screen.getByText(/at the door or by invoice/)).toBeInTheDocument();
  });
});
