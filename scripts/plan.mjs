#!/usr/bin/env node
/**
 * The offline plan lane, `npm run plan`: a thin bin over @secure-lambda/terraform (packages/terraform, its
 * README has the options and exit codes; `node scripts/plan.mjs --help` prints them).
 */
import { processIo, runPlanCommand } from '@secure-lambda/terraform';

process.exitCode = await runPlanCommand(process.argv.slice(2), processIo());
