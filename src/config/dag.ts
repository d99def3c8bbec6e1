/**
 * The component graph (architecture.md §6: Vector-style ids and `inputs`):
 * ids, dangling and repeated inputs, cycles among transforms, and — once a
 * sink is configured — components nothing consumes.
 */
import { didYouMeanSuffix } from './did-you-mean.js';
import type { IssueCollector } from './issues.js';
import { COMPONENT_ID_PATTERN } from './known-values.js';
import { COMPONENT_KINDS, componentEntries, type ComponentSection } from './components.js';
import type { JsonObject } from './types.js';

export function checkDag(config: JsonObject, issues: IssueCollector): void {
  const owner = new Map<string, ComponentSection>();
  for (const { section } of COMPONENT_KINDS) {
    const map = config[section];
    if (map === null || typeof map !== 'object' || Array.isArray(map)) continue;
    for (const id of Object.keys(map)) {
      if (!COMPONENT_ID_PATTERN.test(id)) {
        issues.add([section, id], `invalid component id '${id}': ids are lower-case letters, digits and _, starting with a letter`, { at: 'key' });
      }
      const first = owner.get(id);
      if (first) {
        issues.add([section, id], `component id '${id}' is already used by ${first}.${id}; ids must be unique across sources, transforms and sinks`, { at: 'key' });
      } else owner.set(id, section);
    }
  }

  const readable = [...owner].filter(([, s]) => s !== 'sinks').map(([id]) => id);
  const consumed = new Set<string>();
  const transformInputs = new Map<string, string[]>();

  for (const [id] of componentEntries(config, 'sources').filter(([, c]) => 'inputs' in c)) {
    issues.add(['sources', id, 'inputs'], 'a source takes no inputs; remove this key', { at: 'key' });
  }

  for (const section of ['transforms', 'sinks'] as const) {
    for (const [id, component] of componentEntries(config, section)) {
      const inputs = component.inputs;
      if (inputs === undefined) {
        issues.add([section, id, 'inputs'], "missing required key 'inputs'", { at: 'parent', hint: 'List the sources or transforms it reads, e.g. inputs: [gl].' });
        continue;
      }
      if (!Array.isArray(inputs)) continue; // the schema reported the type
      if (inputs.length === 0) {
        issues.add([section, id, 'inputs'], 'must list at least one source or transform');
        continue;
      }
      const listed = new Set<string>();
      inputs.forEach((input, i) => {
        if (typeof input !== 'string') return;
        const path = [section, id, 'inputs', i];
        if (listed.has(input)) {
          issues.add(path, `input '${input}' is listed twice`);
          return;
        }
        listed.add(input);
        const target = owner.get(input);
        if (target === 'sinks') issues.add(path, `'${input}' is a sink; inputs name sources or transforms`);
        else if (target === undefined) {
          const hint = didYouMeanSuffix(input, readable);
          const known = hint ? '' : `; known sources and transforms: ${readable.join(', ') || '(none)'}`;
          issues.add(path, `input '${input}' is not a source or transform${hint}${known}`);
        } else consumed.add(input);
      });
      if (section === 'transforms') transformInputs.set(id, [...listed].filter((x) => owner.get(x) === 'transforms'));
    }
  }

  for (const cycle of findCycles(transformInputs)) {
    issues.add(['transforms', cycle[0], 'inputs'], `transforms form a cycle: ${[...cycle, cycle[0]].join(' → ')} (each reads the next)`);
  }

  if (hasKeys(config.sinks)) {
    for (const section of ['sources', 'transforms'] as const) {
      const noun = section === 'sources' ? 'source' : 'transform';
      for (const [id] of componentEntries(config, section)) {
        if (!consumed.has(id) && owner.get(id) === section) {
          issues.add([section, id], `${noun} '${id}' is not consumed by any transform or sink`, {
            at: 'key',
            hint: 'Add it to the inputs of a sink (or transform), or remove it.',
          });
        }
      }
    }
  }
}

function hasKeys(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
}

/**
 * Cycles among transforms: one per strongly connected component with more
 * than one member or a self-edge (Tarjan), each as the path starting at its
 * first-declared member.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const order = [...edges.keys()];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const sccs: string[][] = [];
  let counter = 0;
  const strong = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      sccs.push(scc);
    }
  };
  for (const v of order) if (!index.has(v)) strong(v);

  const cycles: string[][] = [];
  for (const scc of sccs) {
    const members = new Set(scc);
    const selfLoop = scc.length === 1 && (edges.get(scc[0]) ?? []).includes(scc[0]);
    if (scc.length < 2 && !selfLoop) continue;
    const start = order.find((v) => members.has(v))!;
    cycles.push(pathBack(start, edges, members));
  }
  return cycles.sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

/** A shortest path start → … → start inside one strongly connected component (BFS). */
function pathBack(start: string, edges: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>): string[] {
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0])!);
        return path;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}
