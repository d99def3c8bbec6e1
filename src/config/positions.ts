/**
 * Maps key paths to YAML line:col (1-based), so every issue can point at the
 * offending node. Aliases and `<<` merge keys are followed the way `yaml`
 * resolves them: explicit keys win over merged ones, earlier merge sources
 * over later ones.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { formatPath, type KeyPath, type PathSegment } from './paths.js';

export interface LineCol {
  line: number;
  col: number;
}

interface Entry {
  key?: LineCol;
  value?: LineCol;
}

export class PositionIndex {
  private readonly entries = new Map<string, Entry>();

  /** An index with no positions (config given as an object). */
  static empty(): PositionIndex {
    return new PositionIndex();
  }

  /** Builds the index of a parsed document. */
  static fromDocument(doc: Document, lineCounter: LineCounter): PositionIndex {
    const index = new PositionIndex();
    const at = (offset: number | undefined): LineCol | undefined => {
      if (offset === undefined) return undefined;
      const { line, col } = lineCounter.linePos(offset);
      return { line, col };
    };
    const visit = (node: unknown, path: PathSegment[], seen: Set<unknown>): void => {
      const resolved = isAlias(node) ? node.resolve(doc) : node;
      if (!resolved || seen.has(resolved)) return;
      if (isMap(resolved)) {
        const inner = new Set(seen).add(resolved);
        const explicit: Pair[] = [];
        const merges: unknown[] = [];
        for (const pair of resolved.items) {
          if (isMergeKey(pair.key)) merges.push(pair.value);
          else explicit.push(pair);
        }
        for (const pair of explicit) {
          const key = keyText(pair.key);
          if (key === undefined) continue;
          const child = [...path, key];
          index.set(child, { key: at(rangeStart(pair.key)), value: at(rangeStart(pair.value) ?? rangeStart(pair.key)) });
          visit(pair.value, child, inner);
        }
        for (const source of merges) {
          const src = isAlias(source) ? source.resolve(doc) : source;
          const list = isSeq(src) ? src.items : [src];
          for (const item of list) visitMerged(item, path, inner);
        }
      } else if (isSeq(resolved)) {
        const inner = new Set(seen).add(resolved);
        resolved.items.forEach((item, i) => {
          const child = [...path, i];
          index.set(child, { value: at(rangeStart(item)) });
          visit(item, child, inner);
        });
      }
    };
    // Keys a merge brings in only count when the mapping does not set them itself.
    const visitMerged = (node: unknown, path: PathSegment[], seen: Set<unknown>): void => {
      const resolved = isAlias(node) ? node.resolve(doc) : node;
      if (!isMap(resolved)) return;
      for (const pair of resolved.items) {
        if (isMergeKey(pair.key)) {
          const src = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
          for (const item of isSeq(src) ? src.items : [src]) visitMerged(item, path, seen);
          continue;
        }
        const key = keyText(pair.key);
        if (key === undefined) continue;
        const child = [...path, key];
        if (index.has(child)) continue;
        index.set(child, { key: at(rangeStart(pair.key)), value: at(rangeStart(pair.value) ?? rangeStart(pair.key)) });
        visit(pair.value, child, seen);
      }
    };
    index.set([], { value: at(rangeStart(doc.contents) ?? 0) });
    visit(doc.contents, [], new Set());
    return index;
  }

  private set(path: KeyPath, entry: Entry): void {
    this.entries.set(formatPath(path), entry);
  }

  has(path: KeyPath): boolean {
    return this.entries.has(formatPath(path));
  }

  /** Where the value at `path` starts. */
  value(path: KeyPath): LineCol | undefined {
    return this.entries.get(formatPath(path))?.value;
  }

  /** Where the key of `path` is written (the value's position for list items). */
  key(path: KeyPath): LineCol | undefined {
    const e = this.entries.get(formatPath(path));
    return e?.key ?? e?.value;
  }

  /** The value position of `path` or, failing that, of its closest ancestor. */
  nearest(path: KeyPath): LineCol | undefined {
    for (let n = path.length; n >= 0; n--) {
      const pos = this.value(path.slice(0, n));
      if (pos) return pos;
    }
    return undefined;
  }
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
