import { describe, expect, it } from 'vitest';
import { getPublicKeyAsync, signAsync, utils } from '@noble/ed25519';
import { base45Decode, base45Encode, parseCode, verifyCode } from './code';
import { decideOffline } from './decide';
import type { StoredBundle } from './offline';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

// A code made the way the server makes one: ids of all-zero and all-one bits.
async function makeCode(secret: Uint8Array, keyId = 1) {
  const signed = new Uint8Array(22);
  signed[0] = 1;
  signed[1] = keyId;
  signed.fill(0xff, 12, 22);
  const message = new Uint8Array([...new TextEncoder().encode('admit-ticket\0'), ...signed]);
  const signature = await signAsync(message, secret);
  return 'AT' + base45Encode(new Uint8Array([...signed, ...signature]));
}

describe('ticket codes on the device', () => {
  it('base45 follows RFC 9285', () => {
    expect(base45Encode(new TextEncoder().encode('AB'))).toBe('BB8');
    expect(base45Encode(new TextEncoder().encode('Hello!!'))).toBe('%69 VD92EX0');
    expect(new TextDecoder().decode(base45Decode('QED8WEX0')!)).toBe('ietf!');
    expect(base45Decode('GGW')).toBeNull(); // over 65535
    expect(base45Decode('a')).toBeNull();
  });

  it('parses ids and verifies the signature; an altered or foreign code does not verify', async () => {
    const secret = utils.randomSecretKey();
    const keys = [{ id: 1, public_key: hex(await getPublicKeyAsync(secret)) }];
    const code = await makeCode(secret);
    expect(code).toHaveLength(131);
    const parsed = parseCode(code)!;
    expect(parsed.ticketId).toBe('tkt_0000000000000000');
    expect(parsed.eventId).toBe('evt_zzzzzzzzzzzzzzzz');
    expect(await verifyCode(code, keys)).not.toBeNull();
    const altered = code.slice(0, 60) + (code[60] === 'A' ? 'B' : 'A') + code.slice(61);
    expect(await verifyCode(altered, keys)).toBeNull();
    expect(await verifyCode(await makeCode(utils.randomSecretKey()), keys)).toBeNull();
    expect(await verifyCode(await makeCode(secret, 2), keys)).toBeNull(); // unknown key id
    expect(await verifyCode('not a code', keys)).toBeNull();
  });

  it('decides offline from the stored ticket list', async () => {
    const secret = utils.randomSecretKey();
    const code = await makeCode(secret);
    const bundle: StoredBundle = {
      version: '1',
      keys: [{ id: 1, public_key: hex(await getPublicKeyAsync(secret)) }],
      tickets: {},
      sold: 1,
      checked_in: 0,
    };
    const ticket = { id: 'tkt_0000000000000000', status: 'valid' as const, attendee_name: 'Ada', ticket_type: 'General', checked_in_at: null };
    expect((await decideOffline(code, 'evt_zzzzzzzzzzzzzzzz', bundle)).result).toBe('invalid'); // not in the list
    bundle.tickets[ticket.id] = ticket;
    expect(await decideOffline(code, 'evt_zzzzzzzzzzzzzzzz', bundle)).toMatchObject({ result: 'ok', name: 'Ada', type: 'General' });
    expect((await decideOffline(code, 'evt_0000000000000000', bundle)).result).toBe('wrong_event');
    bundle.tickets[ticket.id] = { ...ticket, status: 'checked_in', checked_in_at: '2026-12-01T18:00:00Z' };
    expect((await decideOffline(code, 'evt_zzzzzzzzzzzzzzzz', bundle)).result).toBe('already_checked_in');
    bundle.tickets[ticket.id] = { ...ticket, status: 'cancelled' };
    expect((await decideOffline(code, 'evt_zzzzzzzzzzzzzzzz', bundle)).result).toBe('cancelled');
    bundle.tickets[ticket.id] = { ...ticket, status: 'not_paid' };
    expect((await decideOffline(code, 'evt_zzzzzzzzzzzzzzzz', bundle)).result).toBe('not_paid');
  });
});
