import {
  type ValidationContext,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';

/** The most a query may cost; a page of 100 events with their sessions costs about 300. */
export const MAX_QUERY_COST = 5_000;

/** Pages are at most this long, so a page size passed as a variable is priced at it. */
const LARGEST_PAGE = 100;

/**
 * Each field costs 1, and what is below a paged field (`first: N`) costs N times over, so a
 * request cannot ask for pages of pages of pages. It judges the query text alone, so that
 * mercurius can cache validated queries; a variable page size counts as the largest page.
 */
export const queryCostRule =
  (limit = MAX_QUERY_COST): ValidationRule =>
  (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

    const costOf = (selectionSet: SelectionSetNode | undefined, visiting: Set<string>): number => {
      if (!selectionSet) return 0;
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const first = selection.arguments?.find((argument) => argument.name.value === 'first')?.value;
          const pageSize =
            first?.kind === Kind.INT ? Number(first.value) : first?.kind === Kind.VARIABLE ? LARGEST_PAGE : 1;
          total += 1 + Math.max(1, pageSize || 1) * costOf(selection.selectionSet, visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          total += costOf(selection.selectionSet, visiting);
        } else {
          const name = selection.name.value;
          // A cycle is its own validation error; here it only must not loop.
          if (visiting.has(name)) continue;
          total += costOf(fragments.get(name)?.selectionSet, new Set([...visiting, name]));
        }
      }
      return total;
    };

    return {
      OperationDefinition(operation) {
        const cost = costOf(operation.selectionSet, new Set());
        if (cost > limit)
          context.reportError(new GraphQLError(`This query costs ${cost}, above the limit of ${limit}: ask for smaller pages or fewer fields`, { nodes: [operation] }));
      },
    };
  };
