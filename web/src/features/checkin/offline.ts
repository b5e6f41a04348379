// What the scanner keeps on the device (IndexedDB): the event's bundle, the tickets this
// device admitted while offline, and the queue of offline scans waiting to be synced.
import type { CheckinBundle } from './api';

export interface QueuedScan {
  id?: number;
  event_id: string;
  qr: string;
  scanned_at: string;
  gate: string;
  device: string;
}

const DB_NAME = 'admit-scanner';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('bundles');
      db.createObjectStore('queue', { keyPath: 'id', autoIncrement: true }).createIndex('event', 'event_id');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run<T>(store: string, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = fn(tx.objectStore(store));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The stored bundle of an event, its tickets by id. */
export interface StoredBundle {
  version: string;
  keys: CheckinBundle['keys'];
  tickets: Record<string, CheckinBundle['tickets'][number]>;
  sold: number;
  checked_in: number;
  /** Whether this device's caller may undo a check-in (as of the last bundle). */
  can_undo?: boolean;
  /** The event's title, start and zone, for the scanner's heading. */
  event?: CheckinBundle['event'];
}

export function loadBundle(eventId: string): Promise<StoredBundle | undefined> {
  return run<StoredBundle | undefined>('bundles', 'readonly', (s) => s.get(eventId));
}

/** Merges a bundle (full or `partial`) into the stored one and answers the result. */
export async function mergeBundle(eventId: string, b: CheckinBundle): Promise<StoredBundle> {
  const old = b.partial ? await loadBundle(eventId) : undefined;
  const tickets = { ...(old?.tickets ?? {}) };
  for (const t of b.tickets) tickets[t.id] = t;
  const stored: StoredBundle = {
    version: b.version,
    keys: b.keys,
    tickets,
    sold: b.sold,
    checked_in: b.checked_in,
    can_undo: b.can_undo,
    event: b.event ?? old?.event,
  };
  await run('bundles', 'readwrite', (s) => s.put(stored, eventId));
  return stored;
}

export async function saveBundle(eventId: string, stored: StoredBundle): Promise<void> {
  await run('bundles', 'readwrite', (s) => s.put(stored, eventId));
}

export function queueScan(scan: QueuedScan): Promise<IDBValidKey> {
  return run('queue', 'readwrite', (s) => s.add(scan));
}

export function queued(eventId: string): Promise<QueuedScan[]> {
  return run<QueuedScan[]>('queue', 'readonly', (s) => s.index('event').getAll(eventId));
}

export async function dropQueued(ids: number[]): Promise<void> {
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('queue', 'readwrite');
      for (const id of ids) tx.objectStore('queue').delete(id);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
