import { describe, expect, it } from 'vitest';
import type { Event } from '@/lib/api';
import { blankDraft, draftFromEvent, draftToBody } from './eventForm';

const event: Event = {
  id: 'e1',
  title: 'Jazz',
  description: 'Night',
  category: 'music',
  venue: 'Hall',
  starts_at: '2025-06-14T17:00:00Z',
  ends_at: '2025-06-14T21:00:00Z',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  capacity: 100,
  status: 'draft',
  organizer_id: 'u1',
  sold: 3,
  remaining: 97,
  max_per_user: null,
  hold_minutes: 15,
  pay_at_door: false,
  waitlist_offer_minutes: 60,
  cancel_cutoff_hours: 24,
  door_staff_can_undo: false,
  created_at: '2025-05-01T10:00:00Z',
  updated_at: '2025-05-01T10:00:00Z',
  published_at: null,
  ticket_types: [
    {
      id: 't1',
      name: 'Standing',
      description: '',
      price: 2550,
      capacity: 100,
      sold: 3,
      remaining: 97,
      sales_start: null,
      sales_end: '2025-06-14T15:00:00Z',
      max_per_order: 4,
      hidden: false,
    },
  ],
};

describe('event form', () => {
  it('round-trips an event through the form state in its own zone', () => {
    const d = draftFromEvent(event);
    expect(d.starts_at).toBe('2025-06-14T19:00');
    expect(d.ticket_types[0].price).toBe('25.50');
    expect(d.ticket_types[0].sales_end).toBe('2025-06-14T17:00');
    const { body, errors } = draftToBody(d);
    expect(errors).toEqual({});
    expect(body).toEqual({
      title: 'Jazz',
      description: 'Night',
      category: 'music',
      venue: 'Hall',
      timezone: 'Europe/Berlin',
      starts_at: '2025-06-14T17:00:00Z',
      ends_at: '2025-06-14T21:00:00Z',
      currency: 'EUR',
      capacity: 100,
      max_per_user: null,
      hold_minutes: 15,
      pay_at_door: false,
      waitlist_offer_minutes: 60,
      cancel_cutoff_hours: 24,
      ticket_types: [
        {
          id: 't1',
          name: 'Standing',
          description: '',
          price: 2550,
          capacity: 100,
          sales_start: null,
          sales_end: '2025-06-14T15:00:00Z',
          max_per_order: 4,
          hidden: false,
        },
      ],
    });
  });

  it('starts a new event with the default per-person cap, which the organizer can clear', () => {
    const d = blankDraft();
    expect(d.max_per_user).toBe('10');
    Object.assign(d, { title: 'Jazz', venue: 'Hall', starts_at: '2030-06-14T19:00', ends_at: '2030-06-14T22:00', capacity: '50' });
    d.ticket_types[0].capacity = '50';
    d.ticket_types[0].price = '0';
    expect(draftToBody(d).body?.max_per_user).toBe(10);
    d.max_per_user = '';
    expect(draftToBody(d).body?.max_per_user).toBeNull();
  });

  it('names every problem by its API field path', () => {
    const d = blankDraft();
    d.ticket_types[0].price = '12.345';
    d.ticket_types[0].capacity = '';
    d.currency = 'EURO';
    const { body, errors } = draftToBody(d);
    expect(body).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(
      ['currency', 'ends_at', 'starts_at', 'ticket_types[0].capacity', 'ticket_types[0].price', 'title', 'venue'].sort(),
    );
  });

  it('refuses a capacity below what is sold and an end before the start', () => {
    const d = draftFromEvent(event);
    d.ticket_types[0].capacity = '2';
    d.ends_at = '2025-06-14T18:00';
    const { errors } = draftToBody(d);
    expect(errors['ticket_types[0].capacity']).toBe('3 are already sold.');
    expect(errors.ends_at).toBe('The end must be after the start.');
  });

  it('defaults the total capacity to the sum of the ticket types', () => {
    const d = draftFromEvent(event);
    d.capacity = '';
    d.ticket_types.push({ ...d.ticket_types[0], key: 'x', id: undefined, sold: 0, name: 'VIP', capacity: '10' });
    const { body } = draftToBody(d);
    expect(body?.capacity).toBe(110);
    expect(body?.ticket_types?.[1]).not.toHaveProperty('id');
  });
});
