/*
 * Imported first by every benchmark: the bench runs again under the malloc settings the tgr CLI runs under
 * (bin/glibc-tunables.js), so tgr's side measures what a user's `tgr` gets, and the peers it starts (PyTorch, shard
 * children) inherit the same settings — for PyTorch that is its best allocator setting on this machine (bench/RESULTS.md,
 * "Memory settings"). Run with GLIBC_TUNABLES set (even empty) to measure glibc's defaults instead.
 */
import { runTuned } from '../bin/glibc-tunables.js';

await runTuned();
