// The adapter's events: Keyv registers one 'error' listener per Keyv built on the adapter
// (`on`, as its IEventEmitter type asks) and relays what the adapter emits.

// Keyv's listeners take whatever is emitted.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Listener = (...args: any[]) => void;

/** A minimal event emitter: unlike Node's, emitting 'error' with nobody listening is not a throw. */
export class Listeners {
  readonly #byEvent = new Map<string, Listener[]>();

  add(event: string, listener: Listener): void {
    const listeners = this.#byEvent.get(event);
    if (listeners) listeners.push(listener);
    else this.#byEvent.set(event, [listener]);
  }

  remove(event: string, listener: Listener): void {
    const listeners = this.#byEvent.get(event);
    const index = listeners?.indexOf(listener) ?? -1;
    if (index >= 0) listeners!.splice(index, 1);
  }

  count(event: string): number {
    return this.#byEvent.get(event)?.length ?? 0;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.#byEvent.get(event) ?? [])]) listener(...args);
  }
}
