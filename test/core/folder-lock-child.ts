/**
 * Child process for the folder-lock tests: takes the lock PATH, prints 'locked', then waits to be signalled (or, with
 * a second argument 'exit', exits at once).  Usage: node --import tsx folder-lock-child.ts PATH [exit]
 */
import { lockFile } from '../../src/core/folder-lock.js';

const [path, mode] = process.argv.slice(2);
try {
  lockFile(path!);
  process.stdout.write('locked\n');
  if (mode !== 'exit') setInterval(() => {}, 1000);
} catch (e) {
  process.stdout.write(`refused: ${(e as Error).message}\n`);
}
