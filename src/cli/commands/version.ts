import { readFileSync } from 'node:fs';
import type { CliCommand } from '../command.js';

/** `tgr version`: prints the package version and the ONNX Runtime version. */
export const version: CliCommand = {
  name: 'version',
  summary: 'print tgr and ONNX Runtime versions',
  configure: (cmd) => cmd,
  async run() {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const { engineVersion } = await import('../../engine/session.js');
    console.log(`tgr ${pkg.version} (onnxruntime-node ${engineVersion()})`);
  },
};
