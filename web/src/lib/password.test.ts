import { describe, expect, it } from 'vitest';
import { passwordProblem, passwordRules } from './password';

describe('password rules (same as the server)', () => {
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

  it('counts characters, not UTF-16 units', () => {
    // 7 emoji + 'A1' is 9 characters (each emoji is also a symbol).
    expect(passwordProblem('😀😀😀😀😀😀A1')).toBeNull();
    expect(passwordProblem('😀😀😀A1')).toBe('Use at least 8 characters.');
  });

  it('needs an uppercase letter, a number and a symbol', () => {
    expect(passwordProblem('correct-horse-9')).toBe('Include an uppercase letter.');
    expect(passwordProblem('Correct-Horse-x')).toBe('Include a number.');
    expect(passwordProblem('CorrectHorse9')).toMatch(/^Include a symbol/);
  });

  it('refuses common passwords whatever their case', () => {
    expect(passwordProblem('P@ssw0rd')).toBe('This password is too common; choose another.');
    expect(passwordProblem('Password1!')).toBe('This password is too common; choose another.');
    expect(passwordProblem('WELCOME1!')).toMatch(/^Include|too common/);
  });

  it('lists each rule with its state', () => {
    const rules = passwordRules('abc');
    expect(rules.map((r) => r.id)).toEqual(['length', 'upper', 'digit', 'symbol', 'common']);
    expect(rules.find((r) => r.id === 'length')!.ok).toBe(false);
  });
});
