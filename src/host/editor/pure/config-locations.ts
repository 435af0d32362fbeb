/**
 * Where things are in a config's text, with jsonc-parser: the span a validation issue's JSON
 * pointer names (for diagnostics) and the places of the CodeLenses. No `vscode` here.
 */
import { findNodeAtLocation, parseTree, type Node, type Segment } from 'jsonc-parser';
import type { ConfigIssue } from '../../../config/types';

/** A character range of the text: [offset, offset + length). */
export interface Span {
  offset: number;
  length: number;
}

/** A CodeLens place: "▶ Run" above the file, "▶ Run only this" above each optimizer entry. */
export type LensTarget = { kind: 'run'; offset: number } | { kind: 'runOnly'; offset: number; index: number; label: string };

/** "/optimizers/0/lr" → ["optimizers", "0", "lr"] (RFC 6901: ~1 is "/", ~0 is "~"). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The node a pointer names, or the nearest ancestor that exists (a missing field points at its parent). */
export function nearestNode(root: Node, pointer: string): Node {
  const segments = pointerSegments(pointer);
  for (let length = segments.length; length > 0; length--) {
    const path = typedPath(root, segments.slice(0, length));
    const node = path && findNodeAtLocation(root, path);
    if (node) return node;
  }
  return root;
}

/** Array indexes as numbers, object keys as strings, following the tree; undefined when a step does not exist. */
function typedPath(root: Node, segments: string[]): Segment[] | undefined {
  const path: Segment[] = [];
  let node: Node | undefined = root;
  for (const segment of segments) {
    if (!node) return undefined;
    const step: Segment = node.type === 'array' ? Number(segment) : segment;
    path.push(step);
    node = findNodeAtLocation(node, [step]);
  }
  return path;
}

/**
 * The span to underline for an issue: a syntax error's own offset; otherwise the value the
 * pointer names (its key, when the value is an object or array spanning lines, or when the
 * field itself is unknown or missing).
 */
export function issueSpan(text: string, issue: ConfigIssue): Span {
  if (issue.offset !== undefined) return { offset: issue.offset, length: Math.max(issue.length ?? 1, 1) };
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root) return { offset: 0, length: Math.min(text.length, 1) };
  const node = nearestNode(root, issue.path);
  const exact = node !== root && pointerSegments(issue.path).length === depth(node);
  const key = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
  if (key && (!exact || node.type === 'object' || node.type === 'array' || /unknown field/.test(issue.message))) {
    return { offset: key.offset, length: key.length };
  }
  if (node.type === 'object' || node.type === 'array') return { offset: node.offset, length: 1 };
  return { offset: node.offset, length: node.length };
}

/** How many pointer segments lead to a node (property wrappers do not count). */
function depth(node: Node): number {
  let count = 0;
  for (let current: Node | undefined = node; current?.parent; current = current.parent) {
    if (current.parent.type === 'array' || current.parent.type === 'property') count += 1;
  }
  return count;
}

/** The CodeLens places of a config: the top of the file and each entry of "optimizers". */
export function lensTargets(text: string): LensTarget[] {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  if (!root || root.type !== 'object') return [];
  const targets: LensTarget[] = [{ kind: 'run', offset: 0 }];
  const optimizers = findNodeAtLocation(root, ['optimizers']);
  if (optimizers?.type !== 'array') return targets;
  (optimizers.children ?? []).forEach((entry, index) => {
    const name = findNodeAtLocation(entry, ['name'])?.value as unknown;
    const label = findNodeAtLocation(entry, ['label'])?.value as unknown;
    const shown = typeof label === 'string' ? label : typeof name === 'string' ? name : `optimizer ${index + 1}`;
    targets.push({ kind: 'runOnly', offset: entry.offset, index, label: shown });
  });
  return targets;
}
