/**
 * Sources, transforms and sinks: `inputs` sugar, `type` against the plugin
 * registries, and each component's options against its plugin's
 * optionsSchema (error paths prefixed with the component's path).
 */
import { didYouMeanSuffix } from './did-you-mean.js';
import type { IssueCollector } from './issues.js';
import type { ComponentRegistries, JsonObject, JsonValue, PluginLookup } from './types.js';
import { compileSchema, validateInPlace } from './validate.js';

export const COMPONENT_KINDS = [
  { section: 'sources', noun: 'source', registry: 'sources' },
  { section: 'transforms', noun: 'transform', registry: 'transforms' },
  { section: 'sinks', noun: 'sink', registry: 'sinks' },
] as const;
export type ComponentSection = (typeof COMPONENT_KINDS)[number]['section'];

/** Keys every component may carry besides its plugin's options. */
export const COMPONENT_KEYS = ['type', 'inputs'] as const;

/** `{id: component}` entries of one section, skipping anything that is not a mapping. */
export function componentEntries(config: JsonObject, section: ComponentSection): Array<[string, JsonObject]> {
  const map = config[section];
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return [];
  return Object.entries(map).filter((e): e is [string, JsonObject] => e[1] !== null && typeof e[1] === 'object' && !Array.isArray(e[1]));
}

/** `inputs: a` means `inputs: [a]` (controls.md §1.2 step 4). */
export function normalizeInputs(config: JsonObject): void {
  for (const { section } of COMPONENT_KINDS) {
    for (const [, component] of componentEntries(config, section)) {
      if (typeof component.inputs === 'string') component.inputs = [component.inputs];
    }
  }
}

export function checkComponents(config: JsonObject, registries: ComponentRegistries, issues: IssueCollector): void {
  for (const kind of COMPONENT_KINDS) {
    const lookup = registries[kind.registry];
    for (const [id, component] of componentEntries(config, kind.section)) {
      checkComponent(kind.section, kind.noun, id, component, lookup, issues);
    }
  }
}

function checkComponent(
  section: ComponentSection,
  noun: string,
  id: string,
  component: JsonObject,
  lookup: PluginLookup,
  issues: IssueCollector,
): void {
  const type = component.type;
  if (typeof type !== 'string' || type === '') return; // the top-level schema reported it
  const plugin = lookup.get(type);
  if (!plugin) {
    const known = [...lookup.keys()].sort();
    const list = known.length > 0 ? `Registered ${noun} types: ${known.join(', ')}.` : `No ${noun} types are registered.`;
    issues.add([section, id, 'type'], `unknown ${noun} type '${type}'${didYouMeanSuffix(type, known)}`, { hint: list });
    return;
  }
  let validate;
  try {
    validate = compileSchema(plugin.optionsSchema);
  } catch (e) {
    issues.add([section, id, 'type'], `the ${noun} plugin '${type}' has an invalid optionsSchema: ${(e as Error).message}`);
    return;
  }
  const options: JsonObject = {};
  for (const [k, v] of Object.entries(component)) if (k !== 'type' && k !== 'inputs') options[k] = v;
  const siblings = section === 'sources' ? ['type'] : [...COMPONENT_KEYS];
  validateInPlace(validate, options, [section, id], issues, siblings);
  // Write coerced option values back, keeping the user's key order.
  for (const k of Object.keys(options)) component[k] = options[k] as JsonValue;
}
