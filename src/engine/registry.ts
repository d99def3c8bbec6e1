/**
 * Plugin registries, keyed by the `type` used in YAML. Built-in plugins
 * register themselves from src/plugins.ts; the engine only looks them up.
 */
import type { FormatPlugin, SinkPlugin, SourcePlugin, TransformPlugin } from './plugins.js';

class Registry<T extends { readonly type?: string; readonly name?: string }> {
  private readonly items = new Map<string, T>();
  constructor(private readonly kind: string) {}
  register(key: string, item: T): void {
    if (this.items.has(key)) throw new Error(`${this.kind} type "${key}" is already registered`);
    this.items.set(key, item);
  }
  get(key: string): T | undefined {
    return this.items.get(key);
  }
  require(key: string): T {
    const item = this.items.get(key);
    if (!item) throw new Error(`unknown ${this.kind} type "${key}"`);
    return item;
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
  entries(): Array<[string, T]> {
    return [...this.items.entries()];
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export const sources = new Registry<SourcePlugin<any>>('source');
export const transforms = new Registry<TransformPlugin<any>>('transform');
export const sinks = new Registry<SinkPlugin<any>>('sink');
export const formats = new Registry<FormatPlugin>('format');
/* eslint-enable @typescript-eslint/no-explicit-any */
