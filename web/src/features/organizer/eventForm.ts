// The event editor's state (strings, as inputs hold them) and its conversion to the API body.
import type { Event, EventFields, TicketTypeInput } from '@/lib/api';
import { browserTimeZone, utcToZonedInput, zonedInputToUtc } from '@/lib/dates';
import { minorToInput, parseMoneyInput } from '@/lib/money';

export interface TicketTypeDraft {
  key: string;
  id?: string;
  sold: number;
  name: string;
  description: string;
  price: string;
  capacity: string;
  sales_start: string;
  sales_end: string;
  max_per_order: string;
  hidden: boolean;
}

export interface EventDraft {
  title: string;
  description: string;
  category: string;
  venue: string;
  timezone: string;
  starts_at: string;
  ends_at: string;
  currency: string;
  capacity: string;
  max_per_user: string;
  hold_minutes: string;
  pay_at_door: boolean;
  waitlist_offer_minutes: string;
  cancel_cutoff_hours: string;
  ticket_types: TicketTypeDraft[];
}

let nextKey = 0;
export const newKey = () => `tt-${++nextKey}`;

export function blankTicketType(): TicketTypeDraft {
  return {
    key: newKey(),
    sold: 0,
    name: '',
    description: '',
    price: '0',
    capacity: '',
    sales_start: '',
    sales_end: '',
    max_per_order: '',
    hidden: false,
  };
}

export function blankDraft(): EventDraft {
  return {
    title: '',
    description: '',
    category: 'music',
    venue: '',
    timezone: browserTimeZone(),
    starts_at: '',
    ends_at: '',
    currency: 'EUR',
    capacity: '',
    max_per_user: '10', // the server's default per-person cap; empty means no limit
    hold_minutes: '15',
    pay_at_door: false,
    waitlist_offer_minutes: '60',
    cancel_cutoff_hours: '',
    ticket_types: [{ ...blankTicketType(), name: 'General admission' }],
  };
}

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function draftFromEvent(e: Event): EventDraft {
  const tz = e.timezone;
  return {
    title: e.title,
    description: e.description,
    category: e.category,
    venue: e.venue,
    timezone: tz,
    starts_at: utcToZonedInput(e.starts_at, tz),
    ends_at: utcToZonedInput(e.ends_at, tz),
    currency: e.currency,
    capacity: str(e.capacity),
    max_per_user: str(e.max_per_user),
    hold_minutes: str(e.hold_minutes ?? 15),
    pay_at_door: e.pay_at_door ?? false,
    waitlist_offer_minutes: str(e.waitlist_offer_minutes ?? 60),
    cancel_cutoff_hours: str(e.cancel_cutoff_hours),
    ticket_types: e.ticket_types.map((t) => ({
      key: newKey(),
      id: t.id,
      sold: t.sold,
      name: t.name,
      description: t.description ?? '',
      price: minorToInput(t.price, e.currency),
      capacity: str(t.capacity),
      sales_start: t.sales_start ? utcToZonedInput(t.sales_start, tz) : '',
      sales_end: t.sales_end ? utcToZonedInput(t.sales_end, tz) : '',
      max_per_order: str(t.max_per_order),
      hidden: !!t.hidden,
    })),
  };
}

function int(v: string): number | null {
  const t = v.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

/** Validates the draft; the API body, or errors keyed by API field path. */
export function draftToBody(d: EventDraft): { body?: EventFields; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const need = (field: keyof EventDraft, label: string) => {
    if (!String(d[field]).trim()) errors[field] = `${label} is required.`;
  };
  need('title', 'A title');
  need('venue', 'A venue');
  need('category', 'A category');
  need('timezone', 'A time zone');
  const currency = d.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = 'Use a three-letter currency code, like EUR.';
  const starts = zonedInputToUtc(d.starts_at, d.timezone);
  const ends = zonedInputToUtc(d.ends_at, d.timezone);
  if (!starts) errors.starts_at = 'Choose when the event starts.';
  if (!ends) errors.ends_at = 'Choose when the event ends.';
  if (starts && ends && ends <= starts) errors.ends_at = 'The end must be after the start.';

  const optionalInt = (field: keyof EventDraft, min: number): number | null => {
    const raw = String(d[field]).trim();
    if (raw === '') return null;
    const n = int(raw);
    if (n === null || n < min) {
      errors[field] = `Use a whole number of at least ${min}.`;
      return null;
    }
    return n;
  };
  const maxPerUser = optionalInt('max_per_user', 1);
  const cutoff = optionalInt('cancel_cutoff_hours', 0);
  const hold = optionalInt('hold_minutes', 1);
  const offer = optionalInt('waitlist_offer_minutes', 1);

  if (d.ticket_types.length === 0) errors.ticket_types = 'Add at least one ticket type.';
  const types: TicketTypeInput[] = d.ticket_types.map((t, i) => {
    const p = `ticket_types[${i}]`;
    if (!t.name.trim()) errors[`${p}.name`] = 'A name is required.';
    const price = parseMoneyInput(t.price, currency || 'EUR');
    if (price === null) errors[`${p}.price`] = 'Enter a price like 12.50 (0 for free).';
    const cap = int(t.capacity);
    if (cap === null) errors[`${p}.capacity`] = 'Enter the number of tickets.';
    else if (cap < t.sold) errors[`${p}.capacity`] = `${t.sold} are already sold.`;
    let mpo: number | null = null;
    if (t.max_per_order.trim()) {
      mpo = int(t.max_per_order);
      if (mpo === null || mpo < 1) errors[`${p}.max_per_order`] = 'Use a whole number of at least 1.';
    }
    const ss = t.sales_start ? zonedInputToUtc(t.sales_start, d.timezone) : null;
    const se = t.sales_end ? zonedInputToUtc(t.sales_end, d.timezone) : null;
    if (ss && se && se <= ss) errors[`${p}.sales_end`] = 'Sales must end after they start.';
    const out: TicketTypeInput = {
      name: t.name.trim(),
      description: t.description.trim(),
      price: price ?? 0,
      capacity: cap ?? 0,
      sales_start: ss,
      sales_end: se,
      max_per_order: mpo,
      hidden: t.hidden,
    };
    if (t.id) out.id = t.id;
    return out;
  });

  let capacity = int(d.capacity);
  if (d.capacity.trim() === '') capacity = types.reduce((s, t) => s + t.capacity, 0);
  else if (capacity === null) errors.capacity = 'Enter the total number of seats.';

  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    body: {
      title: d.title.trim(),
      description: d.description.trim(),
      category: d.category as EventFields['category'],
      venue: d.venue.trim(),
      timezone: d.timezone,
      starts_at: starts!,
      ends_at: ends!,
      currency,
      capacity: capacity!,
      max_per_user: maxPerUser,
      hold_minutes: hold ?? 15,
      pay_at_door: d.pay_at_door,
      waitlist_offer_minutes: offer ?? 60,
      cancel_cutoff_hours: cutoff,
      ticket_types: types,
    },
  };
}
