import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Outlet, Route, Routes } from 'react-router';
import type { ApiToken, Event } from '@/lib/api';
import { formatDateTime } from '@/lib/dates';
import { makeQueryClient } from '@/lib/queryClient';
import { DoorTab } from './DoorTab';

const future = new Date(Date.now() + 5 * 86400_000);
future.setUTCMinutes(0, 0, 0);
const event = {
  id: 'evt_1',
  title: 'Door night',
  timezone: 'Europe/Berlin',
  starts_at: new Date(future.getTime() - 3 * 3600_000).toISOString(),
  ends_at: future.toISOString(),
  door_staff_can_undo: false,
} as Event;

const tokens: ApiToken[] = [
  { id: 'tok_1', name: 'North', event_id: 'evt_1', created_at: '2026-01-01T10:00:00Z', last_used_at: null, expires_at: null },
  { id: 'tok_2', name: 'Old shift', event_id: 'evt_1', created_at: '2026-01-01T10:00:00Z', last_used_at: null, expires_at: '2026-01-02T10:00:00Z' },
  { id: 'tok_3', name: 'Other event', event_id: 'evt_2', created_at: '2026-01-01T10:00:00Z', last_used_at: null, expires_at: null },
];

type Call = { method: string; path: string; body: unknown };
let calls: Call[];

function json(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const path = new URL(url, 'http://x').pathname;
      const method = init.method ?? 'GET';
      calls.push({ method, path, body: init.body ? JSON.parse(init.body as string) : undefined });
      if (method === 'GET' && path === '/api/v1/me/tokens') return json(200, { items: tokens });
      if (method === 'GET' && path === '/api/v1/events/evt_1/checkins') return json(200, { items: [], next_cursor: null });
      if (method === 'POST' && path === '/api/v1/me/tokens') {
        const b = JSON.parse(init.body as string);
        return json(201, { id: 'tok_new', name: b.name, event_id: b.event_id, created_at: new Date().toISOString(), last_used_at: null, expires_at: b.expires_at, token: 'secret-door-token' });
      }
      if (method === 'PATCH' && path === '/api/v1/events/evt_1') return json(200, { ...event, ...JSON.parse(init.body as string) });
      return json(404, { code: 'not_found', detail: `no mock for ${method} ${path}` });
    }),
  );
});
afterEach(() => vi.unstubAllGlobals());

function renderTab() {
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={['/door']}>
        <Routes>
          <Route element={<Outlet context={{ event }} />}>
            <Route path="/door" element={<DoorTab />} />
          </Route>
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const posts = () => calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/me/tokens');

describe('Door tab: door tokens with an expiry', () => {
  it('lists this event’s door tokens with their expiry', async () => {
    renderTab();
    const list = await screen.findByRole('list', { name: 'Door tokens of this event' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.querySelector('.door-list-name')?.textContent)).toEqual(['North', 'Old shift']);
    expect(items[0]).toHaveTextContent('No expiry');
    expect(items[1]).toHaveTextContent(`Expired ${formatDateTime('2026-01-02T10:00:00Z', event.timezone)}`);
    expect(items[1]).toHaveClass('is-expired');
  });

  it('sends the end of the event as expires_at by default and shows the QR with it', async () => {
    renderTab();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'South gate' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create door token' }));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0].body).toEqual({ name: 'South gate', event_id: 'evt_1', expires_at: event.ends_at });
    expect(await screen.findByRole('img', { name: /door token South gate/ })).toBeInTheDocument();
    expect(document.querySelector('.door-link .hint')).toHaveTextContent(`until ${formatDateTime(event.ends_at, event.timezone)}`);
  });

  it('sends null for “never”, and refuses a past date and time without asking the server', async () => {
    renderTab();
    const expiry = screen.getByLabelText('Expires');
    fireEvent.change(expiry, { target: { value: 'custom' } });
    fireEvent.change(screen.getByLabelText(/Date and time/), { target: { value: '2020-05-01T12:00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create door token' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Pick a time in the future.');
    expect(posts()).toHaveLength(0);

    fireEvent.change(expiry, { target: { value: 'none' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create door token' }));
    await waitFor(() => expect(posts()).toHaveLength(1));
    expect(posts()[0].body).toEqual({ name: 'Door', event_id: 'evt_1', expires_at: null });
  });

  it('turns undo for door staff on with a PATCH of the event', async () => {
    renderTab();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Door staff may undo a check-in' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ door_staff_can_undo: true });
  });
});
