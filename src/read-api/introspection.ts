import { GraphQLError, type ValidationRule } from 'graphql';

/** The ways into introspection; `__typename`, which clients ask for to tell types apart, is not one. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Refuses schema introspection, as graphql's NoSchemaIntrospectionCustomRule does, but by the
 * field's name rather than its type: that rule compares types with `instanceof`, which throws
 * where this code and mercurius load different copies of graphql (its ESM and CommonJS builds,
 * as under vitest). The names are the same test: `__schema` and `__type` exist only on the
 * query root, and no schema may define a field of its own starting with `__`.
 */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const name = node.name.value;
    if (INTROSPECTION_FIELDS.has(name))
      context.reportError(new GraphQLError(`GraphQL introspection is disabled, but the query asks for "${name}"`, { nodes: node }));
  },
});
