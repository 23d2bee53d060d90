import type { CliCommand } from '../command.js';
import { integerList, path } from '../option-parsers.js';
import { inspectJson, jsonHelp, printResult } from '../json-output.js';

/** Parses `--input-shape C,H,W`. */
export const shapeOption = integerList(3, 1, 65_536, '3,32,32 (C,H,W)');

/** `tgr inspect MODEL`: the input, the classes and every injectable layer of an ONNX classifier. */
export const inspect: CliCommand = {
  name: 'inspect',
  summary: 'show an ONNX classifier as fault campaigns see it: input, classes, injectable layers with shapes',
  configure: (cmd) =>
    cmd
      .argument('<model>', 'a .onnx file, or runs/NAME', path())
      .option('--input-shape <C,H,W>', 'image shape, when the file does not fix it', shapeOption)
      .option('--json', jsonHelp),
  async run(args, opts) {
    const { resolveRunTarget } = await import('../run-target.js');
    const { loadClassifier } = await import('../../faults/model/classifier.js');
    const { describeClassifier } = await import('../summary-table.js');
    const target = resolveRunTarget(args[0]!);
    await printResult(
      opts.json,
      () => loadClassifier(target.model, { inputShape: opts.inputShape as number[] | undefined }),
      { text: describeClassifier, json: inspectJson },
    );
  },
};
