/**
 * A model spec with defaults filled in and every field checked (`resolveSpec` in spec.ts makes it): what backbones and
 * heads are built from. Its own file so that heads.ts, which ModelSpec names through `HeadKind`, need not import
 * spec.ts back.
 */
export interface ResolvedSpec {
  backbone: string;
  head: string;
  inputShape: [number, number, number];
  numClasses: number;
  embedDim: number;
  classEmbeddings?: Float32Array;
  seed: number;
  mode: 'train' | 'eval';
  patchSize?: number;
}
