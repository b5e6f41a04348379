import { describe, expect, it, vi, afterEach } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RefundForm } from './RefundForm';

function renderForm() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  const onDone = vi.fn();
  render(
    <QueryClientProvider client={client}>
      <RefundForm reg={{ id: 'reg_1', total: 5000, currency: 'EUR' }} eventId="evt_1" onDone={onDone} />
    </QueryClientProvider>,
  );
  return onDone;
}

afterEach(() => vi.unstubAllGlobals());

describe('RefundForm', () => {
  it('refuses more than was paid and a missing reason before asking the server', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    renderForm();
    const amount = screen.getByLabelText('Amount (EUR)');
    expect(amount).toHaveValue('50.00');
    await userEvent.clear(amount);
    await userEvent.type(amount, '60');
    await userEvent.type(screen.getByLabelText('Reason'), 'Goodwill');
    await userEvent.click(screen.getByRole('button', { name: 'Refund' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('between');
    await userEvent.clear(amount);
    await userEvent.type(amount, '25');
    await userEvent.clear(screen.getByLabelText('Reason'));
    await userEvent.click(screen.getByRole('button', { name: 'Refund' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Say why');
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends the amount in minor units with the reason', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ id: 'reg_1' }), {
      status: 200, headers: { 'content-type': 'application/json' },
    }));
    vi.stubGlobal('fetch', fetchMock);
    const onDone = renderForm();
    const amount = screen.getByLabelText('Amount (EUR)');
    await userEvent.clear(amount);
    await userEvent.type(amount, '12.50');
    await userEvent.type(screen.getByLabelText('Reason'), 'One guest cannot come');
    await userEvent.click(screen.getByRole('button', { name: 'Refund' }));
    await vi.waitFor(() => expect(onDone).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toContain('/api/v1/registrations/reg_1/refund');
    expect(JSON.parse(String(init.body))).toEqual({ amount: 1250, reason: 'One guest cannot come' });
  });
});
