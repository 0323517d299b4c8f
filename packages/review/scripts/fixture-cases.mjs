/**
 * The fixture cases of @secure-lambda/review: small Terraform JSON configurations, grouped by the
 * baseline they change. Each group's baseline is applied once to a moto server (so its state is what the
 * AWS provider really records); each case then changes the baseline configuration in ONE risky way (or a
 * benign one) and `terraform plan -refresh=false` against that state gives the plan the tests review.
 *
 * A case is { name, description, expect, benign?, mutate(config), changes: [addresses] }, one file per area
 * under cases/. `expect` lists the findings a careful reviewer reports for the change (`severity rule
 * address`), kept next to the change itself; the generator copies it into test/fixtures/manifest.json, which
 * the tests read. `benign` marks changes that must stay at or below info; `class` names the weakness class of the plan-review
 * corpus a case belongs to (wildcards, conditions, created, moves, ranges, unknown, tables, coverage). `changes` is exactly the set of
 * managed resources the plan must create, update, replace or destroy (the generator checks it, so a
 * fixture never carries unintended drift).
 *
 * `statePatches` cover what the emulator cannot do (the emulator gaps of packages/local-aws): moto accepts a function's
 * DeadLetterConfig but never returns it, and has no code-signing API at all. A patch writes the attribute
 * into the applied state (and, with `config`, into the configuration the cases start from), with the reason.
 */
import { group as audit } from './cases/audit.mjs';
import { group as data } from './cases/data.mjs';
import { group as database } from './cases/database.mjs';
import { group as edge } from './cases/edge.mjs';
import { group as exposure } from './cases/exposure.mjs';
import { group as iam } from './cases/iam.mjs';
import { group as iamSemantics } from './cases/iam-semantics.mjs';
import { group as kms } from './cases/kms.mjs';
import { group as lambda } from './cases/lambda.mjs';
import { group as logging } from './cases/logging.mjs';
import { group as network } from './cases/network.mjs';

export { ACCOUNT, attribute, clone, REGION } from './cases/shared.mjs';

/** Groups in the order the generator runs them; `lambdaZip` marks groups that need fn.zip. */
export const GROUPS = [
  logging,
  iam,
  iamSemantics,
  network,
  data,
  kms,
  lambda,
  edge,
  exposure,
  database,
  audit,
];
