import { describe, expect, it } from 'vitest';
import { orderTotal, unitPrice } from './api';

const lines = [
  { typeId: 'a', price: 1999, quantity: 3 },
  { typeId: 'b', price: 500, quantity: 2 },
];

describe('orderTotal mirrors the server pricing', () => {
  it('without a code adds up the lines', () => {
    expect(orderTotal(lines, undefined)).toBe(1999 * 3 + 1000);
  });
  it('percent codes round half up per item', () => {
    // 5997 * 15% = 899.55 -> 900 off; 1000 * 15% = 150 off
    expect(orderTotal(lines, { code: 'P', kind: 'percent', amount: 15, ticket_type_id: null })).toBe(5097 + 850);
    expect(orderTotal(lines, { code: 'P', kind: 'percent', amount: 15, ticket_type_id: 'b' })).toBe(5997 + 850);
  });
  it('fixed codes come off the order once, from the in-scope items in order', () => {
    expect(orderTotal(lines, { code: 'F', kind: 'fixed', amount: 700, ticket_type_id: null })).toBe(6997 - 700);
    expect(orderTotal(lines, { code: 'F', kind: 'fixed', amount: 7000, ticket_type_id: null })).toBe(0);
    expect(orderTotal(lines, { code: 'F', kind: 'fixed', amount: 7000, ticket_type_id: 'b' })).toBe(5997);
  });
  it('unit prices show percent codes only', () => {
    expect(unitPrice(2000, 'a', { code: 'P', kind: 'percent', amount: 50, ticket_type_id: null })).toBe(1000);
    expect(unitPrice(2000, 'a', { code: 'P', kind: 'percent', amount: 50, ticket_type_id: 'b' })).toBe(2000);
    expect(unitPrice(2000, 'a', { code: 'F', kind: 'fixed', amount: 500, ticket_type_id: null })).toBe(2000);
  });
});
