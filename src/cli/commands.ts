import type { CliCommand } from './command.js';
import { version } from './commands/version.js';
import { data } from './commands/data.js';
import { describeCommand } from './commands/describe.js';
import { embed } from './commands/embed.js';
import { models } from './commands/models.js';
import { train } from './commands/train.js';
import { compare } from './commands/compare.js';
import { report } from './commands/report.js';
import { reproduceCommand } from './commands/reproduce.js';
import { inspect } from './commands/inspect.js';
import { plan } from './commands/plan.js';
import { inject } from './commands/inject.js';
import { merge } from './commands/merge.js';
import { emulate } from './commands/emulate.js';

/**
 * Every CLI command, in the order `tgr --help` lists them. Adding a command: one file in commands/ and one line here.
 */
export const commands: CliCommand[] = [
  version,
  data,
  describeCommand,
  embed,
  models,
  train,
  compare,
  report,
  reproduceCommand,
  inspect,
  plan,
  inject,
  merge,
  emulate,
];
