import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { typeDefs } from './schema.js';

/** The whole GraphQL schema as one SDL text, sorted so that diffs show real changes only. */
export const printedSchema = (): string => `${printSchema(lexicographicSortSchema(buildSchema(typeDefs)))}\n`;
