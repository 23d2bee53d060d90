import type { CliCommand } from '../command.js';
import { file, outFile, path, spec } from '../option-parsers.js';
import { formatFamilies, numberFormat, numberFormats } from '../../faults/formats/registry.js';
import { specHelp } from '../registry-options.js';
import { shapeOption } from './inspect.js';

/**
 * `tgr emulate MODEL --format F --golden golden.json --out M.onnx`: the classifier with every injectable layer output
 * held in F inside the graph (int scales from the fp32 golden profile); campaigns on the written model are campaigns
 * in F (docs/ARCHITECTURE.md, formats).
 */
export const emulate: CliCommand = {
  name: 'emulate',
  summary: 'write a classifier that holds every Conv/Gemm/MatMul output in a number format (whole-network emulation)',
  configure: (cmd) =>
    cmd
      .argument('<model>', 'a .onnx file, or runs/NAME', path())
      .option(
        '--format <name>',
        `${specHelp(numberFormats, formatFamilies)}; a format with no exact ONNX form is refused, saying why`,
        spec((v) => (numberFormat(v), v)),
        'bf16',
      )
      .requiredOption('--golden <file>', "the fp32 model's golden.json (its per-layer max |x| sets int scales)", file())
      .requiredOption('--out <file>', 'the emulated .onnx to write', outFile())
      .option('--emulate-weights', 'hold the layers’ weights in the format too (per-tensor context from max |w|)')
      .option('--input-shape <C,H,W>', 'image shape, when the file does not fix it', shapeOption),
  async run(args, opts) {
    const { resolveRunTarget } = await import('../run-target.js');
    const { loadClassifier } = await import('../../faults/model/classifier.js');
    const { readGolden } = await import('../../faults/run/golden.js');
    const { emulatedModel } = await import('../../faults/run/emulate.js');
    const { saveModel } = await import('../../onnx/proto-io.js');
    const clf = await loadClassifier(resolveRunTarget(args[0]!).model, {
      inputShape: opts.inputShape as number[] | undefined,
    });
    const golden = readGolden(opts.golden as string);
    const weights = opts.emulateWeights ? clf.layers.flatMap((l) => (l.weight ? [l.weight] : [])) : [];
    const format = numberFormat(opts.format as string);
    saveModel(emulatedModel(clf.model, golden.layers, format, weights), opts.out as string);
    console.log(
      `${opts.out}: ${clf.layers.length} layers held in ${opts.format}` +
        (weights.length ? `, ${weights.length} weight tensors too` : ''),
    );
  },
};
