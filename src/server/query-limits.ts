import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  TypeInfo,
  ValidationContext,
  visit,
  visitInParallel,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What one GraphQL operation may ask for, checked before anything executes (README "Limits").
 * The same check runs for HTTP (an Apollo plugin) and for graphql-ws (onSubscribe).
 */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  /**
   * MAX_RESULT_LIMIT: the largest `first`/`limit` the services accept. A larger argument counts as
   * this much, since the field is refused (BAD_USER_INPUT) before it does any work.
   */
  maxListSize: number;
  /** Fields whose `first`/`limit` may exceed maxListSize ("Type.field" → their own largest size, e.g. audiences up to AUDIENCE_MAX_FIRST). */
  fieldListSizes?: Readonly<Record<string, number>>;
  /** Fields that cost more than 1 themselves ("Type.field" → own cost), e.g. a profile text built from a user's history. */
  fieldCosts?: Readonly<Record<string, number>>;
  /** When false, `__schema`/`__type` are refused and "Did you mean" suggestions are removed. */
  introspection: boolean;
}

export type QueryLimitCode = 'QUERY_TOO_DEEP' | 'QUERY_TOO_COSTLY' | 'TOO_MANY_ALIASES' | 'TOO_MANY_TOKENS' | 'TOO_MANY_DIRECTIVES';

export const QUERY_LIMIT_CODES: readonly string[] = ['QUERY_TOO_DEEP', 'QUERY_TOO_COSTLY', 'TOO_MANY_ALIASES', 'TOO_MANY_TOKENS', 'TOO_MANY_DIRECTIVES'];

export function queryLimitError(code: QueryLimitCode, message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details, http: { status: 400 } } });
}

/**
 * A field's cost is 1 plus the cost of what is selected below it, times the page size it asks
 * for (`first` or `limit`): `members(first: 100) { edges { node { … } } }` costs 100 times its
 * node. Lists without such an argument (segments, keywords, children) count once.
 */
export function listArgumentEstimator(
  maxListSize: number,
  fieldListSizes: Readonly<Record<string, number>> = {},
  fieldCosts: Readonly<Record<string, number>> = {},
): ComplexityEstimator {
  return ({ args, childComplexity, type, field }) => {
    const size = [args.first, args.limit].find((value): value is number => typeof value === 'number' && Number.isFinite(value));
    const key = `${type.name}.${field.name}`;
    const largest = fieldListSizes[key] ?? maxListSize;
    return (fieldCosts[key] ?? 1) + childComplexity * Math.min(largest, Math.max(1, size ?? 1));
  };
}

/** Armor's rules report "Syntax Error: … limit of N exceeded, found M."; ours carry a code and the variable to change. */
function armorRule(
  rule: (options: object) => ValidationRule,
  n: number,
  code: QueryLimitCode,
  variable: string,
  extra: object = {},
): ValidationRule {
  return (context: ValidationContext) =>
    rule({
      n,
      ...extra,
      exposeLimits: true,
      propagateOnRejection: false,
      onReject: [
        (_ctx: unknown, error: GraphQLError) => {
          const found = Number(/found (\d+)/.exec(error.message)?.[1]);
          const text = error.message.replace(/^Syntax Error: /, '').replace(/\.$/, '');
          context.reportError(queryLimitError(code, `${text} (${variable}=${n}).`, { limit: n, found }));
        },
      ],
    })(context);
}

function limitRules(limits: QueryLimits): ValidationRule[] {
  const rules = [
    armorRule(maxDepthRule as (o: object) => ValidationRule, limits.maxDepth, 'QUERY_TOO_DEEP', 'MAX_QUERY_DEPTH', { ignoreIntrospection: true }),
    armorRule(maxAliasesRule as (o: object) => ValidationRule, limits.maxAliases, 'TOO_MANY_ALIASES', 'MAX_QUERY_ALIASES'),
    armorRule(maxDirectivesRule as (o: object) => ValidationRule, limits.maxDirectives, 'TOO_MANY_DIRECTIVES', 'MAX_QUERY_DIRECTIVES'),
  ];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * graphql's validate() without its schema assertion and with type information only where a rule
 * needs it (introspection): the limit rules count syntax, and this pass must stay cheap for
 * documents far beyond them.
 */
function runRules(schema: GraphQLSchema, document: DocumentNode, rules: ValidationRule[]): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const typeInfo = new TypeInfo(schema);
  const context = new ValidationContext(schema, document, typeInfo, (error) => errors.push(error));
  const visitor = visitInParallel(rules.map((rule) => rule(context)));
  visit(document, rules.includes(NoSchemaIntrospectionCustomRule) ? visitWithTypeInfo(typeInfo, visitor) : visitor);
  return errors;
}

export interface OperationRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export type LimitCheck = { document: DocumentNode; errors?: undefined } | { document?: undefined; errors: GraphQLError[] };

/**
 * Parses the operation with a token budget, then checks depth, aliases, directives (and
 * introspection when disabled) and finally the cost. Cheap by construction: parsing stops at
 * the token limit, and the cost is computed only for documents within the other limits.
 * Syntax errors come back as GRAPHQL_PARSE_FAILED; other mistakes are left to normal validation.
 */
export function checkQueryLimits(schema: GraphQLSchema, request: OperationRequest, limits: QueryLimits): LimitCheck {
  let document: DocumentNode;
  try {
    // graphql-js's own token budget (Armor's max-tokens plugin does the same through a slower lexer proxy).
    document = parse(request.query, { maxTokens: limits.maxTokens });
  } catch (error) {
    if (error instanceof GraphQLError && /^Syntax Error: Document contains more tha[nt] \d+ tokens/.test(error.message)) {
      return {
        errors: [
          queryLimitError('TOO_MANY_TOKENS', `Token limit of ${limits.maxTokens} exceeded (MAX_QUERY_TOKENS=${limits.maxTokens}); the document has more tokens.`, {
            limit: limits.maxTokens,
          }),
        ],
      };
    }
    const syntax = error instanceof GraphQLError ? error : new GraphQLError(String(error));
    return { errors: [new GraphQLError(syntax.message, { nodes: syntax.nodes, source: syntax.source, positions: syntax.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } })] };
  }

  const errors = runRules(schema, document, limitRules(limits));
  if (errors.length > 0) {
    // The introspection rule's errors come without a code.
    return { errors: errors.map((e) => (e.extensions.code ? e : new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } }))) };
  }

  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: request.variables ?? {},
      operationName: request.operationName ?? undefined,
      estimators: [listArgumentEstimator(limits.maxListSize, limits.fieldListSizes, limits.fieldCosts)],
    });
  } catch {
    // Bad variables or an unknown operation: normal validation and coercion refuse it before anything runs.
    return { document };
  }
  if (cost > limits.maxCost) {
    return {
      errors: [
        queryLimitError(
          'QUERY_TOO_COSTLY',
          `Query cost of ${cost} exceeds the limit of ${limits.maxCost} (MAX_QUERY_COST=${limits.maxCost}); each field costs 1 plus what is below it, times its first/limit argument: ask for smaller pages or fewer nested lists.`,
          { limit: limits.maxCost, cost },
        ),
      ],
    };
  }
  return { document };
}
