import type { CodegenConfig } from '@graphql-codegen/cli';

/** Where `npm run codegen` writes the resolver types; codegen.unit.spec.ts keeps it in step with schema.graphql. */
export const GENERATED_TYPES = 'src/read-api/generated/graphql.ts';

/**
 * The resolver types of every area, generated from the committed schema.graphql (itself
 * printed from the areas' type definitions), so a resolver that takes an argument the schema
 * does not declare, or returns a field of the wrong type, does not compile. Paths are from
 * the repository root, where npm runs the script and vitest runs the spec.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    [GENERATED_TYPES]: {
      plugins: [
        { add: { content: '// Generated from schema.graphql by `npm run codegen` (src/read-api/codegen.ts): do not edit.' } },
        'typescript',
        'typescript-resolvers',
      ],
      config: {
        contextType: 'mercurius#MercuriusContext',
        useTypeImports: true,
        // String unions, as the domain spells its statuses, rather than TypeScript enums.
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        // A resolver may return fewer fields than its type has when nested resolvers or loaders supply the rest.
        defaultMapper: 'Partial<{T}>',
        // Types served as a read model's named query returns them: the read model stores
        // statuses as text and keeps nulls the log may hold, which the schema types narrower.
        mappers: {
          EventDetails: '../../projections/attendance/event-queries.js#EventView',
          RegistrationEntry: '../../projections/attendance/registration-queries.js#RegistrationView',
          TicketView: '../read-models.js#TicketView',
          CheckInEntry: '../../projections/attendance/check-in-queries.js#CheckInEntry',
          ConsumerLag: '../../integration/consumer-lag.js#ConsumerLag',
        },
        // Read models' names may be the GraphQL types' own (CheckInEntry, ConsumerLag).
        mapperTypeSuffix: 'Model',
      },
    },
  },
};

export default config;
