import type { ImpressionState, PanelModel } from '../../components/panel-model';

export type ShownImpression = Extract<ImpressionState, { status: 'ready' }>;

/**
 * One ticket's panel model, and who is listening to it (the panel, through `useSyncExternalStore`).
 * Each capability updates its part; after `dispose` nothing changes and nobody is told anything,
 * so a late answer for the previous ticket can never show up on the next one.
 */
export class PanelStore {
  private listeners = new Set<() => void>();
  private disposed = false;

  constructor(private current: PanelModel) {}

  get model(): PanelModel {
    return this.current;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getModel = () => this.current;

  update(patch: Partial<PanelModel>): void {
    if (this.disposed) return;
    this.current = { ...this.current, ...patch };
    for (const listener of this.listeners) listener();
  }

  /** The impression on screen, or null while it loads or after it failed. */
  shown(): ShownImpression | null {
    return this.current.impression.status === 'ready' ? this.current.impression : null;
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}
