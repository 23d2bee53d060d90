/**
 * The names of the files a run folder (runs/NAME/) and its campaign folders (campaign/C/) hold, one table: the stage
 * that writes a file and the ones that read it agree on its name here. The JSON files among them are read and
 * written through run-file.ts; the others have their own codecs.
 */
export const runFolderFiles = {
  /** The classifier (tgr train, tgr emulate, or the user's own export). */
  model: 'model.onnx',
  /** How the model was trained (tgr train). */
  meta: 'meta.json',
  /** The golden pass's per-image outputs and per-layer profiles. */
  golden: 'golden.json',
  /** The golden pass's exposed activations, beside golden.json (the runner's prefix outputs). */
  goldenActivations: 'golden-activations.bin',
  /** A campaign's fault sites. */
  plan: 'plan.json',
  /** A campaign's per-fault records (a shard's are faults.K-of-N.jsonl until merged). */
  faults: 'faults.jsonl',
  /** A campaign's metrics. */
  summary: 'summary.json',
  /** What a report shows, beside the report's folder. */
  analysis: 'analysis.json',
  /** The report's folder (its page, tables/*.csv, cam/*.png) and its page. */
  reportFolder: 'report',
  reportPage: 'index.html',
} as const;
