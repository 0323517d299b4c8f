/**
 * The organisation-level guardrail against direct invocation of functions that sit behind a Function
 * URL. Since October 2025 a Function URL caller needs `lambda:InvokeFunction` as well as
 * `lambda:InvokeFunctionUrl`; a grant of the former without `lambda:InvokedViaFunctionUrl = true` also
 * lets the holder call `Invoke` with any event it writes, request context included. The stack cannot stop
 * other identity policies of the account from granting that, so it emits the two policies an
 * organisation applies on top: a service control policy (every principal of the account) and a
 * permissions boundary (roles it creates). Both deny the direct path and leave the URL path alone.
 */

/** The IAM JSON policy shape the guardrails are emitted in. */
export interface GuardrailPolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly GuardrailStatement[];
}

export interface GuardrailStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface DirectInvokeGuardrailOptions {
  /** Unqualified ARNs of the URL-fronted functions (`arn:aws:lambda:<region>:<account>:function:<name>`). */
  readonly functionArns: readonly string[];
  /**
   * Principals that must still invoke those functions directly (for example a deployment hook that
   * smoke-tests a new version), as IAM role ARNs. Keep it empty unless a role truly needs it.
   * @default []
   */
  readonly exemptPrincipalArns?: readonly string[];
}

export interface DirectInvokeGuardrail {
  /** Attach at the organisation unit or account: denies the direct path to every principal not exempt. */
  readonly serviceControlPolicy: GuardrailPolicyDocument;
  /** Attach as the permissions boundary of roles: allows what their own policies allow, less the direct path. */
  readonly permissionsBoundary: GuardrailPolicyDocument;
}

const DENY_SID = 'DenyDirectInvokeOfUrlFrontedFunctions';

function denyStatement(options: DirectInvokeGuardrailOptions): GuardrailStatement {
  const exempt = options.exemptPrincipalArns ?? [];
  return {
    Sid: DENY_SID,
    Effect: 'Deny',
    Action: 'lambda:InvokeFunction',
    // Unqualified and qualified ARNs: `Invoke` of `fn:live` or `fn:7` is authorised on `fn:*`.
    Resource: options.functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    Condition: {
      // The key is present and true only on requests that came through the Function URL; `IfExists` makes
      // a missing key (a direct `Invoke`) count as false, so the deny applies to it.
      BoolIfExists: { 'lambda:InvokedViaFunctionUrl': 'false' },
      ...(exempt.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': exempt } } : {}),
    },
  };
}

/**
 * Builds the service control policy and the permissions boundary that deny `lambda:InvokeFunction` on
 * URL-fronted functions unless the request came through the Function URL.
 *
 * @example
 * ```ts
 * const { serviceControlPolicy, permissionsBoundary } = directInvokeGuardrail({
 *   functionArns: ['arn:aws:lambda:eu-west-1:222222222222:function:app-prod-crypto-api'],
 *   exemptPrincipalArns: ['arn:aws:iam::222222222222:role/app-prod-deployment-hook-role'],
 * });
 * ```
 */
export function directInvokeGuardrail(options: DirectInvokeGuardrailOptions): DirectInvokeGuardrail {
  const deny = denyStatement(options);
  return {
    serviceControlPolicy: { Version: '2012-10-17', Statement: [deny] },
    permissionsBoundary: {
      Version: '2012-10-17',
      Statement: [
        // A boundary only limits: the role's own policies still decide what it may do within it.
        { Sid: 'AllowWhatTheRolePoliciesAllow', Effect: 'Allow', Action: '*', Resource: '*' },
        deny,
      ],
    },
  };
}
