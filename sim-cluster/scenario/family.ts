/**
 * Scenario families (issue 3, item 7): wherever a number is expected a scenario may give
 * `{uniform: [a, b]}`, `{loguniform: [a, b]}` or `{int: [a, b]}` (inclusive integers), and
 * wherever any value is expected `{choice: [v1, v2, ...]}` (any YAML values, mappings
 * included). A family is sampled from a seed into one plain member BEFORE validation, so
 * every member is validated exactly like a hand-written scenario.
 *
 * A family parameter is a mapping with exactly one key, a keyword above, whose value is
 * a list; anything else is an ordinary value. Sampling walks the document depth first,
 * keys in document order, drawing one number per parameter from
 * `new RngStream(seed, 'family')`, so a seed always samples the same member. A chosen
 * alternative is itself sampled (choices may nest parameters). A subtree shared through
 * a YAML alias is sampled once, so aliased parameters take the same value.
 */
import { RngStream } from '../rng.js';
import { Field, show } from './field.js';

/** The keywords of family parameters. */
export const FAMILY_KEYWORDS = ['uniform', 'loguniform', 'int', 'choice'] as const;
export type FamilyKeyword = (typeof FAMILY_KEYWORDS)[number];

/** The keyword of `raw` when it is a family parameter, else undefined. */
export function familyKeyword(raw: unknown): FamilyKeyword | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const keys = Object.keys(raw);
  const key = keys[0];
  if (keys.length !== 1 || !(FAMILY_KEYWORDS as readonly string[]).includes(key as string)) {
    return undefined;
  }
  return Array.isArray((raw as Record<string, unknown>)[key as string])
    ? (key as FamilyKeyword)
    : undefined;
}

/** Whether a parsed scenario document holds at least one family parameter. */
export function isScenarioFamily(raw: unknown): boolean {
  const seen = new Set<object>();
  const visit = (node: unknown): boolean => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return false;
    if (familyKeyword(node) !== undefined) return true;
    seen.add(node);
    return Object.values(node).some(visit);
  };
  return visit(raw);
}

/**
 * The family seed a document asks for: its `seed` when that is a plain non-negative
 * integer, else 1.
 */
export function defaultFamilySeed(raw: unknown): number {
  const seed = (raw as Record<string, unknown> | null)?.['seed'];
  return typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0 ? seed : 1;
}

/**
 * One member of the family `raw`, drawn with `seed`: every family parameter replaced by
 * its sample and the `name` suffixed with `#seed`. Every parameter is checked first (even
 * in alternatives not chosen), failing with `InvalidScenarioError` naming `file` and its
 * path. A document without parameters is returned as is.
 */
export function sampleScenarioFamily(raw: unknown, seed: number, file = '<inline>'): unknown {
  if (!isScenarioFamily(raw)) return raw;
  checkParameters(raw, new Field(file));
  const rng = new RngStream(seed, 'family');
  const done = new Map<object, unknown>();
  const active = new Set<object>();
  const sample = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object') return node;
    const memo = done.get(node);
    if (memo !== undefined || done.has(node)) return memo;
    // A cyclic document (a call tree aliasing itself) is left for validation to reject.
    if (active.has(node)) return node;
    active.add(node);
    const out = sampleNode(node, rng, sample);
    active.delete(node);
    done.set(node, out);
    return out;
  };
  const member = sample(raw) as Record<string, unknown>;
  if (typeof member['name'] === 'string') member['name'] = `${member['name']}#${seed}`;
  return member;
}

function sampleNode(node: object, rng: RngStream, sample: (n: unknown) => unknown): unknown {
  const keyword = familyKeyword(node);
  if (keyword !== undefined) {
    const args = (node as Record<string, readonly unknown[]>)[keyword] as readonly unknown[];
    const u = rng.next();
    if (keyword === 'choice') return sample(args[Math.floor(u * args.length)]);
    const [a, b] = args as [number, number];
    if (keyword === 'uniform') return a + u * (b - a);
    if (keyword === 'loguniform') return Math.exp(Math.log(a) + u * (Math.log(b) - Math.log(a)));
    return a + Math.floor(u * (b - a + 1));
  }
  if (Array.isArray(node)) return node.map(sample);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = sample(value);
  return out;
}

/** Checks the arguments of every family parameter in the document, depth first. */
function checkParameters(raw: unknown, root: Field): void {
  const seen = new Set<object>();
  const visit = (node: unknown, at: Field): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const keyword = familyKeyword(node);
    if (keyword !== undefined) {
      const args = (node as Record<string, readonly unknown[]>)[keyword] as readonly unknown[];
      if (keyword === 'choice') {
        if (args.length === 0) at.fail('choice must list at least one value, got []');
        args.forEach((v, i) => visit(v, at.key('choice').index(i)));
      } else {
        checkRange(keyword, args, at);
      }
      return;
    }
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, at.index(i)));
    else for (const [key, value] of Object.entries(node)) visit(value, at.key(key));
  };
  visit(raw, root);
}

/** `[a, b]`: two finite numbers with a <= b; positive for loguniform, integers for int. */
function checkRange(keyword: FamilyKeyword, args: readonly unknown[], at: Field): void {
  const got = `[${args.map(show).join(', ')}]`;
  if (args.length !== 2) {
    at.fail(`${keyword} must be a list of two numbers [a, b], got ${args.length} values`);
  }
  if (!args.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    at.fail(`${keyword} bounds must be finite numbers, got ${got}`);
  }
  const [a, b] = args as [number, number];
  if (keyword === 'int' && !(Number.isSafeInteger(a) && Number.isSafeInteger(b))) {
    at.fail(`int bounds must be integers, got ${got}`);
  }
  if (keyword === 'loguniform' && !(a > 0))
    at.fail(`loguniform bounds must be positive, got ${got}`);
  if (!(a <= b)) at.fail(`${keyword} must have a <= b, got ${got}`);
}
