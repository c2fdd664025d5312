import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { ROLES, type Role } from './roles.js';

/**
 * THE place that says which role each mutation needs. Queries and subscriptions need `reader`.
 * A mutation field not listed here needs `admin`: a new mutation is safe by default and is
 * opened to writers by adding it here (and to the README's Security section).
 */
export const MUTATION_ROLES: Readonly<Record<string, Role>> = {
  upsertUsers: 'writer',
  upsertItems: 'writer',
  recordInteractions: 'writer',
  createInteractions: 'writer',
  deleteUsers: 'writer',
  deleteItems: 'writer',
  deleteInteractions: 'writer',
  recluster: 'admin',
  cancelRun: 'admin',
  startSegmentationRun: 'admin',
  cancelSegmentationRun: 'admin',
  // Re-embeds every record: configuration-scale work, like a run.
  refitCorpus: 'admin',
  // Naming is curation that marketing does day to day, not configuration: writers may do it.
  updateSegment: 'writer',
};

/** What a mutation field not in {@link MUTATION_ROLES} needs. */
export const DEFAULT_MUTATION_ROLE: Role = 'admin';

export function mutationRole(fieldName: string): Role {
  // Introspection on the mutation root (`__typename`) reveals nothing.
  if (fieldName.startsWith('__')) return 'reader';
  return Object.hasOwn(MUTATION_ROLES, fieldName) ? MUTATION_ROLES[fieldName]! : DEFAULT_MUTATION_ROLE;
}

/** Root field names of an operation, through fragment spreads and inline fragments. */
function rootFieldNames(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  const names: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) names.push(...rootFieldNames(selection.selectionSet, fragments, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) names.push(...rootFieldNames(fragment.selectionSet, fragments, seen));
    }
  }
  return names;
}

/**
 * The role an operation needs: `reader` for queries and subscriptions, for a mutation the highest
 * role among its root fields. Checked before anything runs, so a refused mutation writes nothing,
 * not even its permitted fields.
 */
export function requiredRole(document: DocumentNode, operation: OperationDefinitionNode): Role {
  if (operation.operation !== 'mutation') return 'reader';
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  let required: Role = 'reader';
  for (const name of rootFieldNames(operation.selectionSet, fragments)) {
    const role = mutationRole(name);
    if (ROLES.indexOf(role) > ROLES.indexOf(required)) required = role;
  }
  return required;
}
