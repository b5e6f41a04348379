import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import raw from '../../../data/common-passwords.txt?raw';
import { isCommonPassword, parseCommonPasswords, passwordProblem, passwordRules, setCommonPasswords } from './password';

// The same list the server embeds.

const list = parseCommonPasswords(raw);
beforeAll(() => setCommonPasswords(list));
afterAll(() => setCommonPasswords(null));

describe('password rules (same as the server)', () => {
  it('uses the full common-password list', () => {
    expect(list.size).toBeGreaterThan(10_000);
    expect(list.has('password')).toBe(true);
  });

  it('accepts a password meeting every rule', () => {
    expect(passwordProblem('Correct-Horse-9')).toBeNull();
    expect(passwordProblem('Zebra#2024 blue')).toBeNull();
    expect(passwordRules('Correct-Horse-9').every((r) => r.ok)).toBe(true);
  });

  it('needs 8 to 128 characters', () => {
    expect(passwordProblem('Ab1!xyz')).toBe('Use at least 8 characters.');
    expect(passwordProblem('Ab1!' + 'x'.repeat(124))).toBeNull();
    expect(passwordProblem('Ab1!' + 'x'.repeat(125))).toBe('Use at most 128 characters.');
  });

  it('counts characters (code points), not UTF-16 units', () => {
    expect(passwordProblem('😀😀😀😀😀😀A1')).toBeNull();
    expect(passwordProblem('😀😀😀A1')).toBe('Use at least 8 characters.');
  });

  it('needs an uppercase letter (any script), a number and a symbol', () => {
    expect(passwordProblem('correct-horse-9')).toBe('Include an uppercase letter.');
    expect(passwordProblem('Ébène-horse-9')).toBeNull();
    expect(passwordProblem('Correct-Horse-x')).toBe('Include a number.');
    expect(passwordProblem('CorrectHorse9')).toMatch(/^Include a symbol/);
    // Any non-ASCII-alphanumeric character is a symbol, a space or "é" too.
    expect(passwordProblem('Correct Horse9')).toBeNull();
    expect(passwordProblem('Correcthorsé9')).toBeNull();
  });

  it('refuses common passwords, also behind decorations, whatever their case', () => {
    expect(passwordProblem('P@ssw0rd')).toBe('This password is too common; choose another.');
    expect(passwordProblem('Password1!')).toBe('This password is too common; choose another.');
    expect(passwordProblem('!Qwerty2024')).toBe('This password is too common; choose another.');
    expect(passwordProblem('#1Dragon!!')).toBe('This password is too common; choose another.');
    expect(isCommonPassword('Tr1cky-Harbour-Lamp!')).toBe(false);
  });

  it('lists each rule with its state', () => {
    const rules = passwordRules('abc');
    expect(rules.map((r) => r.id)).toEqual(['length', 'upper', 'digit', 'symbol', 'common']);
    expect(rules.find((r) => r.id === 'length')!.ok).toBe(false);
  });
});
