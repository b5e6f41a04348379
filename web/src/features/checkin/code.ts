// Ticket codes read on the device (the server's tickets/ticket_code.hpp, mirrored for
// offline scanning): "AT" + base45(version | key id | ticket id | event id | signature).
// The Ed25519 signature covers "admit-ticket\0" + the first 22 payload bytes.
import { verifyAsync } from '@noble/ed25519';

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const ID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const DOMAIN = new TextEncoder().encode('admit-ticket\0');
export const CODE_LENGTH = 131;

/** RFC 9285 base45; null when the text is not valid base45. */
export function base45Decode(text: string): Uint8Array | null {
  if (text.length % 3 === 1) return null;
  const out: number[] = [];
  for (let i = 0; i < text.length; i += 3) {
    const c = B45.indexOf(text[i]);
    const d = B45.indexOf(text[i + 1]);
    if (c < 0 || d < 0) return null;
    if (i + 2 < text.length) {
      const e = B45.indexOf(text[i + 2]);
      if (e < 0) return null;
      const n = c + d * 45 + e * 2025;
      if (n > 0xffff) return null;
      out.push(n >> 8, n & 0xff);
    } else {
      const n = c + d * 45;
      if (n > 0xff) return null;
      out.push(n);
    }
  }
  return Uint8Array.from(out);
}

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    for (let k = 0; k < 3; ++k, n = Math.floor(n / 45)) out += B45[n % 45];
  }
  if (bytes.length % 2) {
    const n = bytes[bytes.length - 1];
    out += B45[n % 45] + B45[Math.floor(n / 45)];
  }
  return out;
}

function unpackId(bytes: Uint8Array, prefix: string): string {
  let id = `${prefix}_`;
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = ((acc << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id += ID_ALPHABET[(acc >> bits) & 31];
    }
  }
  return id;
}

export interface ParsedCode {
  keyId: number;
  ticketId: string;
  eventId: string;
  signed: Uint8Array;
  signature: Uint8Array;
}

/** Parses a code without checking its signature; null when it is not a ticket code. */
export function parseCode(text: string): ParsedCode | null {
  if (text.length !== CODE_LENGTH || !text.startsWith('AT')) return null;
  const bytes = base45Decode(text.slice(2));
  if (!bytes || bytes.length !== 86 || bytes[0] !== 1) return null;
  if ('AT' + base45Encode(bytes) !== text) return null;
  return {
    keyId: bytes[1],
    ticketId: unpackId(bytes.slice(2, 12), 'tkt'),
    eventId: unpackId(bytes.slice(12, 22), 'evt'),
    signed: bytes.slice(0, 22),
    signature: bytes.slice(22),
  };
}

export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The parsed code when its signature verifies against the key its key id names. */
export async function verifyCode(
  text: string,
  keys: { id: number; public_key: string }[],
): Promise<ParsedCode | null> {
  const code = parseCode(text);
  if (!code) return null;
  const key = keys.find((k) => k.id === code.keyId);
  if (!key) return null;
  const message = new Uint8Array(DOMAIN.length + code.signed.length);
  message.set(DOMAIN);
  message.set(code.signed, DOMAIN.length);
  try {
    return (await verifyAsync(code.signature, message, hexToBytes(key.public_key))) ? code : null;
  } catch {
    return null;
  }
}
