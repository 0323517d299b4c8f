import {
  DataAwsIamPolicyDocument,
  type DataAwsIamPolicyDocumentStatement,
  dataAwsIamPolicyDocumentStatementToTerraform,
} from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { InvalidPropError } from '../errors';
import type { PolicyStatement } from '../grants';

/** A principal block: `{ type: 'AWS' | 'Service' | '*', identifiers }`. */
export interface PolicyPrincipal {
  readonly type: 'AWS' | 'Service' | '*';
  readonly identifiers: readonly string[];
}

/** A statement of a resource policy (key, bucket, endpoint): with principals and an effect. */
export interface ResourcePolicyStatement extends PolicyStatement {
  readonly principals: readonly PolicyPrincipal[];
}

type AnyStatement = PolicyStatement | ResourcePolicyStatement;

function toBlock(statement: AnyStatement): DataAwsIamPolicyDocumentStatement {
  const principals = 'principals' in statement ? statement.principals : undefined;
  return {
    sid: statement.sid,
    effect: statement.effect ?? 'Allow',
    actions: [...statement.actions],
    resources: [...statement.resources],
    ...(statement.conditions?.length
      ? {
          condition: statement.conditions.map((c) => ({
            test: c.test,
            variable: c.variable,
            values: [...c.values],
          })),
        }
      : {}),
    ...(principals
      ? { principals: principals.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })) }
      : {}),
  };
}

/**
 * An `aws_iam_policy_document` data source (evaluated locally by Terraform, no AWS call) whose
 * statements can be added until synth. Statements are keyed by `sid`: adding the same sid again
 * returns the existing statement, adding a different statement under a used sid is an error.
 *
 * @example
 * ```ts
 * const doc = new PolicyDocument(this, 'policy');
 * doc.add({ sid: 'ReadConfig', actions: ['ssm:GetParameter'], resources: [parameterArn] });
 * new IamRolePolicy(this, 'inline', { role: role.name, policy: doc.json });
 * ```
 */
export class PolicyDocument extends Construct {
  readonly document: DataAwsIamPolicyDocument;
  readonly #statements = new Map<string, AnyStatement>();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.document = new DataAwsIamPolicyDocument(this, 'document', {
      statement: Lazy.anyValue({
        produce: () =>
          [...this.#statements.values()].map((s) => dataAwsIamPolicyDocumentStatementToTerraform(toBlock(s))),
      }),
    });
  }

  /** The rendered JSON (`data.aws_iam_policy_document.<id>.json`). */
  get json(): string {
    return this.document.json;
  }

  get statements(): readonly AnyStatement[] {
    return [...this.#statements.values()];
  }

  add<T extends AnyStatement>(statement: T): T {
    const existing = this.#statements.get(statement.sid);
    if (existing) {
      if (JSON.stringify(existing) !== JSON.stringify(statement)) {
        throw new InvalidPropError(
          this.node.path,
          'statement',
          `sid "${statement.sid}" is already used by a different statement. Give each grant its own sid.`,
        );
      }
      return existing as T;
    }
    if (statement.resources.includes('*') && !statement.wildcardReason && !('principals' in statement)) {
      throw new InvalidPropError(
        this.node.path,
        'statement',
        `"${statement.sid}" uses Resource "*" without a wildcardReason. Scope it to ARNs, or say why AWS offers nothing narrower.`,
      );
    }
    this.#statements.set(statement.sid, statement);
    return statement;
  }
}
