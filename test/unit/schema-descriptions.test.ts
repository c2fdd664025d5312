import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isUnionType,
  type GraphQLSchema,
} from 'graphql';
import { describe, expect, it } from 'vitest';

/** Every type, field, argument, input field and enum value of the schema that has no description. */
export function undocumented(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (where: string, description: string | null | undefined) => {
    if (!description || description.trim() === '') missing.push(where);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    } else if (isUnionType(type)) {
      // a union's members are types, checked on their own
    }
  }
  return missing;
}

describe('schema descriptions', () => {
  it('describes every type, field, argument, input field and enum value of the committed schema', () => {
    const schema = buildSchema(fs.readFileSync(path.resolve('schema/schema.graphql'), 'utf8'));
    expect(undocumented(schema)).toEqual([]);
  });

  it('notices an undocumented element (the check can fail)', () => {
    const schema = buildSchema('"""Root."""\ntype Query {\n  """Documented."""\n  a(x: Int): Int\n  b: Int\n}');
    expect(undocumented(schema)).toEqual(['Query.a(x)', 'Query.b']);
  });
});
