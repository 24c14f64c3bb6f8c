import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLOutputType,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { MAX_PAGE } from '../projections/pages.js';

/** The most a query may cost; a page of 100 events with their sessions costs about 300. */
export const MAX_QUERY_COST = 5_000;

/**
 * How many items a field can return: 1, or for a paged field (one that takes `first`) the
 * page it asks for, at most the largest page. A variable counts as the largest page, since
 * the rule judges the query text alone (so that mercurius can cache validated queries); a
 * field left without `first` counts as the default page its schema declares (`first: Int =
 * 20`, the named query's own default), or as the largest page where it declares none.
 */
const pageSizeOf = (field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined): number => {
  const paged = definition?.args.find((argument) => argument.name === 'first');
  if (!paged) return 1;
  const first = field.arguments?.find((argument) => argument.name.value === 'first')?.value;
  const size =
    first?.kind === Kind.INT ? Number(first.value) : first?.kind === Kind.VARIABLE ? MAX_PAGE : ((paged.defaultValue as number | undefined) ?? MAX_PAGE);
  return Math.min(Math.max(size, 1), MAX_PAGE);
};

/*
 * Types are told apart by their shape (objects and interfaces have interfaces, wrappers wrap):
 * mercurius builds the schema with graphql's CommonJS build, and where this module gets the ES
 * build (under vitest), graphql's own type predicates (isObjectType, getNamedType) refuse a
 * type of the other build.
 */
const fieldsOf = (type: GraphQLNamedType | null | undefined) => (type && 'getInterfaces' in type ? type.getFields() : {});
const namedTypeOf = (type: GraphQLOutputType): GraphQLNamedType => ('ofType' in type ? namedTypeOf(type.ofType) : type);

/**
 * Each field costs 1, and what is below a paged field costs its page size times over, so a
 * request cannot ask for pages of pages of pages, nor for many default pages under aliases.
 */
export const queryCostRule =
  (limit = MAX_QUERY_COST): ValidationRule =>
  (context: ValidationContext) => {
    const schema = context.getSchema();
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

    const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLNamedType | null | undefined, visiting: Set<string>): number => {
      if (!selectionSet) return 0;
      let total = 0;
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const definition = fieldsOf(type)[selection.name.value];
          total += 1 + pageSizeOf(selection, definition) * costOf(selection.selectionSet, definition && namedTypeOf(definition.type), visiting);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          total += costOf(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type, visiting);
        } else {
          const name = selection.name.value;
          // A cycle is its own validation error; here it only must not loop.
          if (visiting.has(name)) continue;
          const fragment = fragments.get(name);
          total += costOf(fragment?.selectionSet, fragment && schema.getType(fragment.typeCondition.name.value), new Set([...visiting, name]));
        }
      }
      return total;
    };

    return {
      OperationDefinition(operation) {
        const cost = costOf(operation.selectionSet, schema.getRootType(operation.operation), new Set());
        if (cost > limit)
          context.reportError(new GraphQLError(`This query costs ${cost}, above the limit of ${limit}: ask for smaller pages or fewer fields`, { nodes: [operation] }));
      },
    };
  };
