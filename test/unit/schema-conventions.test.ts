import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isListType, isNonNullType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MUTATION_ROLES } from '../../src/auth/mutation-roles.js';

const schema = buildSchema(fs.readFileSync(path.resolve('schema/schema.graphql'), 'utf8'));
const mutations = Object.values(schema.getMutationType()!.getFields());

describe('schema conventions (README "API conventions")', () => {
  it('every current mutation is nullable and returns a payload with userErrors: [UserError!]!', () => {
    const offenders = mutations
      .filter((m) => !m.deprecationReason)
      .filter((m) => {
        if (isNonNullType(m.type) || !isObjectType(m.type)) return true;
        const userErrors = m.type.getFields().userErrors?.type;
        return !userErrors || !isNonNullType(userErrors) || !isListType(userErrors.ofType) || getNamedType(userErrors).name !== 'UserError';
      })
      .map((m) => m.name);
    expect(offenders).toEqual([]);
  });

  it('every mutation names its role in MUTATION_ROLES (none falls back to the default)', () => {
    expect(mutations.map((m) => m.name).filter((name) => !Object.hasOwn(MUTATION_ROLES, name))).toEqual([]);
  });

  it('pages every growing list of users, items, interactions and runs with a connection; only ranked answers take limit', () => {
    const paged = ['User', 'Item', 'Interaction', 'SegmentationRun'];
    const offenders: string[] = [];
    for (const type of [schema.getQueryType()!, ...Object.values(schema.getTypeMap()).filter(isObjectType)]) {
      if (type.name.startsWith('__') || type.name.endsWith('Payload') || type.name.endsWith('Connection')) continue;
      for (const field of Object.values(type.getFields())) {
        const listOfPaged = isListType(isNonNullType(field.type) ? field.type.ofType : field.type) && paged.includes(getNamedType(field.type).name);
        if (listOfPaged && !field.deprecationReason) offenders.push(`${type.name}.${field.name}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
