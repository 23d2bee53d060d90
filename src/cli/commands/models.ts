import type { CliCommand } from '../command.js';
import { oneOf } from '../option-parsers.js';
import { addRegistryOptions } from '../registry-options.js';
import { heads } from '../../models/heads.js';
import { lookup } from '../../core/errors.js';
import { backbones } from '../../models/registry.js';
import { compareHeads, datasetLayouts, type HeadComparison } from '../../models/compare.js';
import { jsonHeader, jsonHelp, printResult } from '../json-output.js';
import type { ModelsJson } from '../json-documents.js';

const int = (n: number) => n.toLocaleString('en-US');
type DatasetLayout = (typeof datasetLayouts)[keyof typeof datasetLayouts];
const signed = (n: number) => `${n > 0 ? '+' : ''}${int(n)} (${n > 0 ? '+' : ''}${(n / 1e6).toFixed(2)}M)`;

/** `tgr models`: per backbone, parameters and MACs of the baseline and text-guided heads and their difference. */
export const models: CliCommand = {
  name: 'models',
  summary: 'list backbones with parameters and MACs of the linear and text-guided heads (Table 1, columns 4–5)',
  configure: (cmd) =>
    addRegistryOptions(cmd, heads)
      .option(
        '--dataset <name>',
        `input layout: ${Object.keys(datasetLayouts).join('|')}`,
        oneOf(Object.keys(datasetLayouts)),
        'imagenet',
      )
      .option('--json', jsonHelp),
  async run(_args, opts) {
    const dataset = String(opts.dataset);
    const layout = lookup(datasetLayouts, dataset, 'dataset layout (--dataset)');
    // The spec's default E (resolveSpec), which `tgr train` replaces by a class-embedding file's.
    const embedDim = (opts.embedDim as number | undefined) ?? 512;
    await printResult(
      opts.json,
      async () => Object.keys(backbones).map((b) => compareHeads(b, layout.inputShape, layout.numClasses, embedDim)),
      {
        text: (costs) => modelsTable(dataset, layout, embedDim, costs),
        json: (costs): ModelsJson => ({ ...jsonHeader('models'), dataset, ...layout, embedDim, backbones: costs }),
      },
    );
  },
};

/** `tgr models`' text: the layout line, then one aligned row per backbone. */
function modelsTable(dataset: string, layout: DatasetLayout, embedDim: number, costs: HeadComparison[]): string {
  const [c, h, w] = layout.inputShape;
  const lines = [
    `${dataset}: ${c}×${h}×${w} input, ${layout.numClasses} classes; text-guided head with E = ${embedDim}; MACs per image`,
  ];
  const rows = [
    ['backbone', 'params linear', 'params text-guided', 'Δ params', 'MACs linear', 'MACs text-guided', 'Δ MACs'],
  ];
  for (const r of costs) {
    const name = r.backbone;
    if ('unavailable' in r) {
      rows.push([name, `n/a: ${r.unavailable.replace(/^[^:]*: /, '').replace(/;.*/, '')}`]);
      continue;
    }
    const { linear: l, textGuided: t } = r;
    rows.push([
      name,
      int(l.params),
      int(t.params),
      signed(t.params - l.params),
      int(l.macs),
      int(t.macs),
      signed(t.macs - l.macs),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.filter((r) => r.length > 2).map((r) => r[i]!.length)));
  for (const r of rows)
    lines.push(
      r.length > 2
        ? r.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ')
        : r.join('  '),
    );
  return lines.join('\n');
}
