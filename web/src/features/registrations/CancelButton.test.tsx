import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Route, Routes } from 'react-router';
import type { Event, Registration } from '@/lib/api';
import { aRegistration } from '@/test/fixtures';
import { MyRegistrationsPage } from './MyRegistrationsPage';
import { RegistrationPage } from './RegistrationPage';

// Whether a registration may be cancelled is the server's answer (can_cancel): the pages
// follow it even where the event's own dates would say otherwise.

// Starts far in the future with no cut-off: a browser-side rule would offer cancelling.
const event = {
  id: 'evt_1',
  title: 'Test concert',
  status: 'published',
  starts_at: '2099-05-01T18:00:00Z',
  ends_at: '2099-05-01T21:00:00Z',
  timezone: 'Europe/Berlin',
  venue: 'Hall',
  currency: 'EUR',
  cancel_cutoff_hours: null,
  ticket_types: [{ id: 'tt_1', name: 'General', hidden: false }],
} as unknown as Event;

const registration = (overrides: Partial<Registration>) =>
  aRegistration({ tickets_issued_at: '2099-04-01T10:00:01Z', tickets_emailed_at: '2099-04-01T10:00:02Z', ...overrides });

function serve(reg: Registration) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname;
      const body = path === '/api/v1/me/registrations' ? { items: [reg] } : path.startsWith('/api/v1/events/') ? event : reg;
      return new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } });
    }),
  );
}

function renderAt(path: string) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/registrations/:id" element={<RegistrationPage />} />
          <Route path="/me/registrations" element={<MyRegistrationsPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('cancelling follows the server', () => {
  it('offers cancelling when the server says so', async () => {
    serve(registration({ can_cancel: true, cancel_refusal: null }));
    renderAt('/registrations/reg_1');
    expect(await screen.findByRole('button', { name: 'Cancel registration' })).toBeInTheDocument();
    expect(screen.queryByText(/Cancellation has closed/)).not.toBeInTheDocument();
  });

  it('offers no cancelling after the cut-off, and says why', async () => {
    serve(registration({ can_cancel: false, cancel_refusal: 'cutoff_passed' }));
    renderAt('/registrations/reg_1');
    expect(await screen.findByText(/Cancellation has closed/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel registration' })).not.toBeInTheDocument();
  });

  it('lists my registrations with a cancel button only where the server allows it', async () => {
    serve(registration({ can_cancel: false, cancel_refusal: 'cutoff_passed' }));
    renderAt('/me/registrations');
    expect(await screen.findByRole('link', { name: 'Test concert' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Cancel/ })).not.toBeInTheDocument();
  });

  it('lists my registrations with a cancel button when the server allows it', async () => {
    serve(registration({ can_cancel: true, cancel_refusal: null }));
    renderAt('/me/registrations');
    expect(await screen.findByRole('link', { name: 'Test concert' })).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: /^Cancel/ })).toBeInTheDocument();
  });
});
