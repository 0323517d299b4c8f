/** The rule sets, in the order they run. Each reads a ReviewContext and reports into it. */
import type { ReviewContext } from '../context';
import { reviewAudit } from './audit';
import { reviewCodeLoading } from './code-loading';
import { reviewData } from './data';
import { reviewIam } from './iam';
import { reviewKms } from './kms';
import { reviewLambda } from './lambda';
import { reviewLogging } from './logging';
import { reviewNetwork } from './network';
import { reviewPolicies } from './policies';
import { reviewUrlDirectInvoke } from './url-direct-invoke';

export type RuleSet = (ctx: ReviewContext) => void;

export const RULE_SETS: readonly RuleSet[] = [
  reviewPolicies,
  reviewIam,
  reviewKms,
  reviewNetwork,
  reviewLogging,
  reviewData,
  reviewLambda,
  reviewCodeLoading,
  reviewUrlDirectInvoke,
  reviewAudit,
];
