import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { PasswordForm } from '@/features/account/AccountPage';
import { ResetPasswordPage } from './ResetPasswordPage';
import { SignUpPage } from './SignUpPage';

// The password rules are the server's: a form sends what was typed, whatever it is, and
// shows the server's 422 message for `password`; the only rule text of its own is the hint.
const SERVER_MESSAGE = 'must contain an uppercase letter, a number and a symbol';

function refuseWeakPasswords() {
  const sent: { path: string; body: Record<string, unknown> }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (req: Request) => {
      sent.push({ path: new URL(req.url).pathname, body: JSON.parse((await req.text()) || '{}') });
      return new Response(
        JSON.stringify({
          type: 'about:blank', title: 'Unprocessable Content', status: 422, code: 'validation_failed',
          detail: 'password: ' + SERVER_MESSAGE, errors: [{ field: 'password', message: SERVER_MESSAGE }],
        }),
        { status: 422, headers: { 'Content-Type': 'application/problem+json' } },
      );
    }),
  );
  return sent;
}

function renderPage(page: React.ReactNode, path = '/') {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  render(
    <QueryClientProvider client={qc}>
      <MemoryRouter initialEntries={[path]}>{page}</MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('new-password forms', () => {
  it('sign-up sends a weak password and shows the server\'s message for it', async () => {
    const sent = refuseWeakPasswords();
    renderPage(<SignUpPage />);
    expect(screen.getByText(/^8 to 128 characters/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password', { exact: true }), 'weakpass');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText(SERVER_MESSAGE)).toBeInTheDocument();
    expect(sent).toHaveLength(1);
    expect(sent[0].body.password).toBe('weakpass');
  });

  it('the password reset shows the server\'s message', async () => {
    const sent = refuseWeakPasswords();
    renderPage(<ResetPasswordPage />, '/reset-password?token=tok');
    await userEvent.type(screen.getByLabelText(/password/i, { selector: 'input' }), 'short');
    await userEvent.click(screen.getByRole('button', { name: /password/i }));
    expect(await screen.findByText(SERVER_MESSAGE)).toBeInTheDocument();
    expect(sent[0].body.password).toBe('short');
  });

  it('changing the password on the account page shows the server\'s message', async () => {
    const sent = refuseWeakPasswords();
    renderPage(<PasswordForm />);
    await userEvent.type(screen.getByLabelText('Current password'), 'Old-Password-1');
    await userEvent.type(screen.getByLabelText('New password'), 'nouppercase1!');
    await userEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText(SERVER_MESSAGE)).toBeInTheDocument();
    expect(sent[0].body.password).toBe('nouppercase1!');
  });
});
