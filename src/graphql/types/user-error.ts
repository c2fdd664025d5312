import { Field, ObjectType, registerEnumType } from 'type-graphql';

/** The domain error codes a mutation reports in `userErrors` (the others stay top-level errors). */
export enum UserErrorCodeEnum {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
}
registerEnumType(UserErrorCodeEnum, {
  name: 'UserErrorCode',
  description: 'Why a mutation refused its input. The same codes appear as `extensions.code` of top-level errors on queries.',
  valuesConfig: {
    BAD_USER_INPUT: { description: 'A value is malformed, out of range or breaks a rule (see the message and field).' },
    NOT_FOUND: { description: 'An id names nothing stored (a user, item, segment or run).' },
    CONFLICT: { description: 'The request clashes with the current state (a run is already going, or has already ended).' },
  },
});

@ObjectType('UserError', {
  description:
    'A problem with a mutation\'s input. A mutation that returns any userErrors wrote nothing; fix the input and send it again.',
})
export class UserErrorType {
  @Field(() => [String], {
    nullable: true,
    description: 'Path to the offending input, from the argument name down (e.g. ["users", "3", "text"]); null when it concerns no single input.',
  })
  field!: string[] | null;

  @Field(() => UserErrorCodeEnum, { description: 'Machine-readable reason.' })
  code!: UserErrorCodeEnum;

  @Field(() => String, { description: 'What is wrong, in words a developer can act on.' })
  message!: string;
}
