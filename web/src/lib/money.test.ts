import { describe, expect, it } from 'vitest';
import { currencyDigits, minorToInput, parseMoneyInput } from './money';
import { formatMoney, formatPrice, formatPriceRange } from './format';

// Intl may use a narrow no-break space; compare with plain spaces.
const n = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('money', () => {
  it('knows minor-unit digits', () => {
    expect(currencyDigits('EUR')).toBe(2);
    expect(currencyDigits('jpy')).toBe(0);
    expect(currencyDigits('KWD')).toBe(3);
  });

  it('formats minor units with the currency', () => {
    expect(formatMoney(1500, 'EUR', 'en-IE')).toBe('€15.00');
    expect(formatMoney(1999, 'USD', 'en-US')).toBe('$19.99');
    expect(formatMoney(1500, 'JPY', 'en-US')).toBe('¥1,500');
    expect(n(formatMoney(123456, 'EUR', 'de-DE'))).toBe('1.234,56 €');
    expect(n(formatMoney(1, 'KWD', 'en-US'))).toBe('KWD 0.001');
  });

  it('says Free for 0 and builds ranges', () => {
    expect(formatPrice(0, 'EUR', 'en-IE')).toBe('Free');
    expect(formatPriceRange([2500, 1000, 1000], 'EUR', 'en-IE')).toBe('€10.00 – €25.00');
    expect(formatPriceRange([0, 2000], 'EUR', 'en-IE')).toBe('Free – €20.00');
    expect(formatPriceRange([0, 0], 'EUR', 'en-IE')).toBe('Free');
    expect(formatPriceRange([], 'EUR')).toBe('');
  });

  it('parses typed amounts into minor units', () => {
    expect(parseMoneyInput('15', 'EUR')).toBe(1500);
    expect(parseMoneyInput('15.5', 'EUR')).toBe(1550);
    expect(parseMoneyInput(' 15,05 ', 'EUR')).toBe(1505);
    expect(parseMoneyInput('0.1', 'EUR')).toBe(10);
    expect(parseMoneyInput('1500', 'JPY')).toBe(1500);
    expect(parseMoneyInput('15.5', 'JPY')).toBeNull();
    expect(parseMoneyInput('1.234', 'EUR')).toBeNull();
    expect(parseMoneyInput('-1', 'EUR')).toBeNull();
    expect(parseMoneyInput('abc', 'EUR')).toBeNull();
    expect(parseMoneyInput('', 'EUR')).toBeNull();
    expect(minorToInput(1505, 'EUR')).toBe('15.05');
    expect(minorToInput(1500, 'JPY')).toBe('1500');
  });
});
