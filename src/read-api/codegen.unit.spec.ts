import { readFile } from 'node:fs/promises';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import config, { GENERATED_TYPES } from './codegen.js';

describe('the generated resolver types', () => {
  it('are those schema.graphql gives (regenerate with npm run codegen)', async () => {
    const [output] = await generate(config, false);
    expect(output?.filename).toBe(GENERATED_TYPES);
    expect(await readFile(GENERATED_TYPES, 'utf8')).toBe(output?.content);
  });
});
