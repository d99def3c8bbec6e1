/**
 * Collects every config problem so that one ConfigError reports them all at
 * once (architecture.md §6), each with its key path and YAML line:col.
 */
import type { ConfigIssue } from '../errors.js';
import { formatPath, isUnder, type KeyPath } from './paths.js';
import type { LineCol, PositionIndex } from './positions.js';

/** Which node an issue points at: the value, its key, or (missing keys) the mapping that lacks it. */
export type Anchor = 'value' | 'key' | 'parent' | 'none';

export interface IssueOptions {
  at?: Anchor;
  hint?: string;
  /** Later issues at exactly this path are dropped: they would only restate this one (a missing variable leaves "" behind). */
  final?: boolean;
}

/** An override that replaced the file's content at `path`. */
export interface OverrideOrigin {
  path: KeyPath;
  text: string;
}

export class IssueCollector {
  private readonly items: Array<{ issue: ConfigIssue; order: number; path: KeyPath }> = [];
  private readonly seen = new Set<string>();
  private readonly finalPaths = new Set<string>();

  constructor(
    private readonly positions: PositionIndex,
    private readonly file: string | undefined,
    private readonly overrides: OverrideOrigin[] = [],
  ) {}

  /** Issues at or below an overridden path point at the `--set`, not at the file. */
  noteOverride(origin: OverrideOrigin): void {
    this.overrides.push(origin);
  }

  get count(): number {
    return this.items.length;
  }

  /** True when an issue was already reported at exactly `path` (later checks stay quiet there). */
  hasIssueAt(path: KeyPath): boolean {
    const text = formatPath(path);
    return this.items.some((i) => i.issue.path === text);
  }

  add(path: KeyPath, message: string, opts: IssueOptions = {}): void {
    const pathText = formatPath(path);
    const dedupe = `${pathText}\u0000${message}`;
    if (this.seen.has(dedupe) || this.finalPaths.has(pathText)) return;
    this.seen.add(dedupe);
    if (opts.final) this.finalPaths.add(pathText);
    const issue: ConfigIssue = { path: pathText, message };
    const override = this.overrides.find((o) => isUnder(path, o.path));
    if (override) {
      issue.message = `${message} (set by --set ${override.text})`;
    } else {
      const pos = this.locate(path, opts.at ?? 'value');
      if (this.file !== undefined && opts.at !== 'none') issue.file = this.file;
      if (pos) {
        issue.line = pos.line;
        issue.col = pos.col;
      }
    }
    if (opts.hint) issue.hint = opts.hint;
    this.items.push({ issue, order: this.items.length, path });
  }

  /** Issues in document order (those without a position last, in the order found). */
  issues(): ConfigIssue[] {
    return [...this.items]
      .sort((a, b) => {
        const la = a.issue.line ?? Infinity;
        const lb = b.issue.line ?? Infinity;
        if (la !== lb) return la - lb;
        const ca = a.issue.col ?? 0;
        const cb = b.issue.col ?? 0;
        if (ca !== cb) return ca - cb;
        return a.order - b.order;
      })
      .map((i) => i.issue);
  }

  private locate(path: KeyPath, at: Anchor): LineCol | undefined {
    if (at === 'none') return undefined;
    if (at === 'key') return this.positions.key(path) ?? this.positions.nearest(path);
    if (at === 'parent') return this.positions.nearest(path.slice(0, -1));
    return this.positions.value(path) ?? this.positions.nearest(path);
  }
}
