import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import { TicketQr } from './TicketsPage';

describe('TicketQr', () => {
  it('draws the ticket text as a QR code in SVG with a quiet zone', async () => {
    const text = 'AT' + 'A1 $%*+-./:'.repeat(11) + '0123456';
    render(<TicketQr text={text} label="QR code of the ticket for Ada" />);
    const img = await screen.findByRole('img', { name: 'QR code of the ticket for Ada' });
    await waitFor(() => expect(img.querySelector('svg')).not.toBeNull());
    const svg = img.querySelector('svg')!;
    // Version 6 (41 modules) plus 4 modules of quiet zone on each side.
    expect(svg.getAttribute('viewBox')).toBe('0 0 49 49');
  });
});
