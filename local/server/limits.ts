import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { QUERY_LIMITS, type QueryLimits } from '../../core/shared/query-limits';

/** The limits are defined once, in core, for the local server and AppSync alike. */
export type { QueryLimits };
export const DEFAULT_LIMITS: QueryLimits = QUERY_LIMITS;

/**
 * Measures every operation in the document (fragments expanded, cycles
 * cut) and returns errors a person can act on when one is too deep or too
 * large. Runs before execution, so a refused query costs nothing else.
 */
export function checkLimits(document: DocumentNode, limits: QueryLimits = DEFAULT_LIMITS): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const errors: GraphQLError[] = [];
  for (const def of document.definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    const name = def.name?.value ?? 'the operation';
    let fields = 0;
    let maxDepth = 0;
    let stop = false;
    const walk = (set: SelectionSetNode, depth: number, seen: Set<string>, root: boolean): number => {
      let rootFields = 0;
      for (const sel of set.selections) {
        if (stop) return rootFields;
        if (sel.kind === Kind.FIELD) {
          if (sel.name.value === '__typename') continue;
          fields++;
          if (root) rootFields++;
          maxDepth = Math.max(maxDepth, depth);
          // Stop early: a huge alias flood should not cost a full walk to refuse.
          if (fields > limits.maxFields || maxDepth > limits.maxDepth) stop = true;
          if (sel.selectionSet) walk(sel.selectionSet, depth + 1, seen, false);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          rootFields += walk(sel.selectionSet, depth, seen, root);
        } else {
          const fragment = fragments.get(sel.name.value);
          if (!fragment || seen.has(sel.name.value)) continue;
          rootFields += walk(fragment.selectionSet, depth, new Set(seen).add(sel.name.value), root);
        }
      }
      return rootFields;
    };
    const rootFields = walk(def.selectionSet, 1, new Set(), true);
    if (maxDepth > limits.maxDepth) {
      errors.push(
        new GraphQLError(
          `Query too deep: ${name} nests fields more than ${limits.maxDepth} levels deep. Ask for fewer nested levels.`,
          { nodes: def },
        ),
      );
    }
    if (fields > limits.maxFields) {
      errors.push(
        new GraphQLError(
          `Query too large: ${name} asks for more than ${limits.maxFields} fields (aliases count each time). Split it into smaller requests.`,
          { nodes: def },
        ),
      );
    }
    if (rootFields > limits.maxRootFields) {
      errors.push(
        new GraphQLError(
          `Too many top-level fields: ${name} has ${rootFields}, the limit is ${limits.maxRootFields}. Send several requests, or use list fields such as devices.`,
          { nodes: def },
        ),
      );
    }
  }
  return errors;
}
