import type { CliCommand } from '../command.js';
import { file, outFile, path, spec } from '../option-parsers.js';
import { formatFamilies, numberFormat, numberFormats } from '../../faults/formats/registry.js';
import { addRegistryOptions, declaredOptions, specHelp } from '../registry-options.js';
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
    addRegistryOptions(
      cmd
        .argument('<model>', 'a .onnx file, or runs/NAME', path())
        .option(
          '--format <name>',
          `${specHelp(numberFormats, formatFamilies)}; every one is built in the graph (int:K:channel profiles channels)`,
          spec((v) => (numberFormat(v), v)),
          'bf16',
        )
        .requiredOption(
          '--golden <file>',
          "the fp32 model's golden.json (its per-layer max |x| sets int scales)",
          file(),
        )
        .requiredOption('--out <file>', 'the emulated .onnx to write', outFile())
        .option('--emulate-weights', 'hold the layers’ weights in the format too (context from the tensor’s max |w|)')
        .option('--input-shape <C,H,W>', 'image shape, when the file does not fix it', shapeOption),
      declaredOptions(formatFamilies),
    ),
  async run(args, opts) {
    const { resolveRunTarget, openImages } = await import('../run-target.js');
    const { readGolden } = await import('../../faults/run/golden.js');
    const { emulatedModelFor } = await import('../../faults/run/emulate.js');
    const target = resolveRunTarget(args[0]!);
    const golden = readGolden(opts.golden as string);
    const format = numberFormat(opts.format as string);
    // Only a per-channel grid profiles channels: on the golden pass's own images.
    const perChannel = format.grid.kind === 'integer' && format.grid.perChannel === true;
    const images = perChannel
      ? await openImages(target, {
          dataset: (opts.dataset as string | undefined) ?? golden.dataset.name,
          split: golden.dataset.split,
          dataDir: opts.dataDir as string | undefined,
        })
      : undefined;
    try {
      const r = await emulatedModelFor(target.model, format, opts.out as string, {
        golden,
        weights: opts.emulateWeights === true,
        inputShape: opts.inputShape as number[] | undefined,
        ...(images ? { images } : {}),
      });
      console.log(
        `${opts.out}: ${r.layers} layers held in ${r.format}` + (r.weights ? `, ${r.weights} weight tensors too` : ''),
      );
    } finally {
      await images?.close?.();
    }
  },
};
