/**
 * The policy model the reviewer works on: a document is a list of statements, each with its actions,
 * resources, principals and conditions as written (patterns are not expanded here), plus the parts of the
 * document that are known only after apply.
 */
import { Placeholder } from '../constants';
import type { JsonObject } from '../plan';

/** Marks a value inside a statement that is known only after apply. */
export const UNKNOWN_VALUE = Placeholder.UNKNOWN;

export type PolicyKind =
  | 'identity'
  | 'trust'
  | 'key'
  | 'bucket'
  | 'queue'
  | 'topic'
  | 'endpoint'
  | 'secret'
  | 'function';

export interface Principal {
  /** `*` for `"Principal": "*"`, otherwise AWS, Service, Federated or CanonicalUser. */
  readonly type: string;
  readonly id: string;
}

export interface Condition {
  readonly operator: string;
  /** Lower case, for matching: condition keys are case-insensitive. */
  readonly key: string;
  /** The key as written, for messages. */
  readonly name: string;
  readonly values: readonly string[];
}

export interface Statement {
  /** Position in the document, for messages when there is no Sid. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: 'Allow' | 'Deny';
  /** Action patterns, or the NotAction list when `notAction`. */
  readonly actions: readonly string[];
  readonly notAction: boolean;
  /** Resource patterns, the NotResource list when `notResource`, undefined when the element is absent. */
  readonly resources: readonly string[] | undefined;
  readonly notResource: boolean;
  /** Undefined in identity policies, which name no principal. */
  readonly principals: readonly Principal[] | undefined;
  readonly notPrincipal: boolean;
  readonly conditions: readonly Condition[];
  /** The statement as policy JSON, unknown values shown as "(known after apply)". */
  readonly display: JsonObject;
}

export interface PolicyDocument {
  readonly statements: readonly Statement[];
  /** Parts known only after apply, e.g. `statement "SendToDlq": Resource`. */
  readonly unknownParts: readonly string[];
  /** Set when the text is not a policy document. */
  readonly invalid?: string;
}

/** A document with no statements: the "before" of a new policy. */
export const EMPTY_POLICY: PolicyDocument = { statements: [], unknownParts: [] };

/** A document known only after apply, as a whole. */
export function unknownPolicy(reason: string): PolicyDocument {
  return { statements: [], unknownParts: [reason] };
}
