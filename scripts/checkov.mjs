#!/usr/bin/env node
/**
 * checkov over the synthesized stacks, `npm run scan`: a thin bin over @secure-lambda/terraform
 * (packages/terraform, its README has the options and exit codes; `node scripts/checkov.mjs --help`).
 */
import { processIo, runCheckovCommand } from '@secure-lambda/terraform';

process.exitCode = await runCheckovCommand(process.argv.slice(2), processIo());
