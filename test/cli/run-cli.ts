// One in-process CLI runner for every CLI test; see run-cli-logged.ts for why stdout itself is never captured.
export { runCliLogged as runCli } from './run-cli-logged.js';
