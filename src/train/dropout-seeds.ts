/**
 * Dropout made reproducible. ORT's Dropout without a `seed` attribute draws masks from a generator seeded at session
 * creation from the clock, so neither a seeded run nor a resumed one would repeat; with `seed` set, a new session
 * replays the same sequence of masks. The trainer therefore starts each epoch on a session whose Dropout seeds come
 * from (run seed, epoch, node): an epoch's masks depend on nothing before it, as its batches do.
 */
import { hashString } from '../core/rng.js';
import { attr, type Model } from '../onnx/types.js';

/** Whether the graph has Dropout nodes (only then does reseeding per epoch cost a session). */
export function hasDropout(model: Model): boolean {
  return model.graph.nodes.some((n) => n.opType === 'Dropout');
}

/**
 * A copy of `model` whose Dropout nodes carry seeds derived from (seed, epoch, node name) and, for data-parallel
 * replicas, the replica's `stream` (each replica draws its own masks for its own images).
 */
export function seedDropout(model: Model, seed: number, epoch: number, stream?: string): Model {
  const tail = stream === undefined ? '' : `/${stream}`;
  const nodes = model.graph.nodes.map((n) =>
    n.opType === 'Dropout'
      ? {
          ...n,
          attrs: { ...n.attrs, seed: attr.int(hashString(`dropout/${seed}/${epoch}/${n.name}${tail}`) & 0x7fffffff) },
        }
      : n,
  );
  return { ...model, graph: { ...model.graph, nodes } };
}
