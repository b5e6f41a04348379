import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import type { Event, Quote, User } from '@/lib/api';
import { RegisterPanel } from './RegisterPanel';

const event = {
  id: 'evt_1',
  title: 'Test concert',
  status: 'published',
  starts_at: '2030-05-01T18:00:00Z',
  ends_at: '2030-05-01T21:00:00Z',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  remaining: 10,
  sold_out: false,
  max_per_user: null,
  ticket_types: [
    { id: 'tt_a', name: 'Adult', description: '', price: 2000, remaining: 8, hidden: false, max_per_order: null, sales_start: null, sales_end: null },
    { id: 'tt_b', name: 'Late bird', description: '', price: 3000, remaining: 2, hidden: false, max_per_order: null, sales_start: '2030-04-01T10:00:00Z', sales_end: null },
  ],
} as unknown as Event;

const user = { id: 'u1', name: 'Alice', email: 'alice@example.com', roles: ['attendee'] } as unknown as User;

// The server's answer decides everything the panel shows about prices and sale states; its
// figures here are deliberately not what a browser would compute from the event alone.
function quote(body: { items: { ticket_type_id: string; quantity: number }[] }): Quote {
  const qty = body.items.find((i) => i.ticket_type_id === 'tt_a')?.quantity ?? 0;
  return {
    event_id: 'evt_1',
    currency: 'EUR',
    state: 'on_sale',
    promo: null,
    ticket_types: [
      { ticket_type_id: 'tt_a', state: 'on_sale', unit_price: 1500, max_quantity: 3, held: 0 },
      { ticket_type_id: 'tt_b', state: 'not_yet', unit_price: 3000, max_quantity: 2, held: 0 },
    ],
    items: qty ? [{ ticket_type_id: 'tt_a', ticket_type_name: 'Adult', quantity: qty, unit_price: 2000, subtotal: 2000 * qty, discount: 777, amount: 2000 * qty - 777 }] : [],
    subtotal: 2000 * qty,
    discount: qty ? 777 : 0,
    total: qty ? 2000 * qty - 777 : 0,
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('RegisterPanel', () => {
  it('shows the sale states, prices, limits and total the server quotes', async () => {
    const sent: unknown[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const body = JSON.parse(await req.text());
        sent.push(body);
        return new Response(JSON.stringify(quote(body)), { headers: { 'Content-Type': 'application/json' } });
      }),
    );
    const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={qc}>
        <MemoryRouter>
          <RegisterPanel event={event} user={user} promo="" onApplyPromo={() => {}} />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const adult = await screen.findByRole('combobox', { name: 'Quantity of Adult' });
    // The quoted limit (3), not the seats left (8).
    expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['0', '1', '2', '3']);
    // Not on sale yet: no quantity to choose, and the date it opens.
    expect(screen.queryByRole('combobox', { name: 'Quantity of Late bird' })).not.toBeInTheDocument();
    expect(screen.getByText(/^On sale from /)).toBeInTheDocument();
    // The quoted unit price, with the list price struck through.
    expect(screen.getByText('€20.00').tagName).toBe('DEL');
    expect(screen.getByText(/€15\.00/)).toBeInTheDocument();

    await userEvent.selectOptions(adult, '2');
    await waitFor(() => expect(screen.getByText('€32.23')).toBeInTheDocument());
    expect(screen.getByText('2 tickets', { exact: false })).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({ items: [{ ticket_type_id: 'tt_a', quantity: 2 }] });
  });
});
