import Dexie, { type EntityTable } from 'dexie';
import type { Annotation, DeadLetter } from '../contract';
import type { HealthPending, HealthSeen, SealedHealthReport } from './adapter-health-rows';

/** An annotation captured on this device and not yet acknowledged by the server. */
export interface StoredAnnotation {
  id: string;
  annotation: Annotation;
  capturedAt: number;
}

/** An annotation the server has not acknowledged yet. */
export interface OutboxEntry {
  id: string;
  queuedAt: number;
  /** Not sent before this time (a rationale may still be added); 0 when free to go. */
  notBefore: number;
}

export interface KeyValue {
  key: string;
  value: unknown;
}

/**
 * The background service worker's IndexedDB (the extension's origin: content scripts cannot open
 * it, and clearing a helpdesk's site data does not touch it). An annotation and its outbox entry
 * are always written in one transaction.
 */
export class OverlayDb extends Dexie {
  annotations!: EntityTable<StoredAnnotation, 'id'>;
  outbox!: EntityTable<OutboxEntry, 'id'>;
  deadLetters!: EntityTable<DeadLetter, 'id'>;
  kv!: EntityTable<KeyValue, 'key'>;
  /** Adapter health (lib/outbox/adapter-health.ts): tickets counted, counts not yet sealed, the sealed report. */
  healthSeen!: EntityTable<HealthSeen, 'key'>;
  healthPending!: EntityTable<HealthPending, 'key'>;
  healthOutbox!: EntityTable<SealedHealthReport, 'id'>;

  constructor(name = 'aitl-overlay', options: ConstructorParameters<typeof Dexie>[1] = {}) {
    // Strict durability: a captured annotation is on disk before the panel says "saved".
    super(name, { chromeTransactionDurability: 'strict', ...options });
    this.version(1).stores({
      annotations: '&id, capturedAt',
      outbox: '&id, queuedAt, notBefore',
      deadLetters: '&id, movedAt',
      kv: '&key',
    });
    // Version 2 adds adapter health beside the outbox; the version 1 tables are kept as they are
    // (Dexie carries their rows over), so an update loses no queued annotation.
    this.version(2).stores({
      healthSeen: '&key, day',
      healthPending: '&key, extensionVersion',
      healthOutbox: '&id, sealedAt',
    });
  }

  async getValue<T>(key: string): Promise<T | undefined> {
    return (await this.kv.get(key))?.value as T | undefined;
  }

  async setValue(key: string, value: unknown): Promise<void> {
    await this.kv.put({ key, value });
  }
}

/** This install's id, generated once; the server ties it to the first agent that syncs from it. */
export async function clientIdOf(db: OverlayDb): Promise<string> {
  return db.transaction('rw', db.kv, async () => {
    const existing = await db.getValue<string>('clientId');
    if (existing) return existing;
    const id = crypto.randomUUID();
    await db.setValue('clientId', id);
    return id;
  });
}
