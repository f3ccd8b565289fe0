import Dexie, { type EntityTable } from 'dexie';

interface KeyValue {
  key: string;
  value: unknown;
}

/**
 * The agent's own settings and panel preferences, in the background worker's IndexedDB (the
 * extension's origin: content scripts cannot open it, so the token stays out of helpdesk pages).
 * Kept apart from the outbox: the settings module owns this database and nothing else reads it.
 */
export class SettingsDb extends Dexie {
  kv!: EntityTable<KeyValue, 'key'>;

  constructor(name = 'aitl-settings', options: ConstructorParameters<typeof Dexie>[1] = {}) {
    super(name, { chromeTransactionDurability: 'strict', ...options });
    this.version(1).stores({ kv: '&key' });
  }

  async getValue<T>(key: string): Promise<T | undefined> {
    return (await this.kv.get(key))?.value as T | undefined;
  }

  async setValue(key: string, value: unknown): Promise<void> {
    await this.kv.put({ key, value });
  }
}
