import { TgrError } from '../../core/errors.js';
import type { Descriptions } from './types.js';

/** How a descriptions object lined up with the dataset's class names. */
export interface DescriptionsCheck {
  /** Descriptions in class-name order, keyed exactly by the class names. */
  descriptions: Descriptions;
  /** Keys that matched a class only after ignoring case, '_' and '-' (key → class). */
  loose: Record<string, string>;
  /** Keys that are no class of the dataset (ignored). */
  extra: string[];
}

/** Folds case, underscores and hyphens so 'Ankle_boot' finds 'ankle boot'. */
export function looseName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[_\-\s]+/g, ' ')
    .trim();
}

/**
 * Aligns descriptions with the class names: every class needs a non-empty list of non-empty strings.
 * `origin` names the file or source in errors.
 */
export function checkDescriptions(d: unknown, classNames: readonly string[], origin: string): DescriptionsCheck {
  if (!d || typeof d !== 'object' || Array.isArray(d)) {
    throw new TgrError(
      'bad_file',
      `${origin}: expected a JSON object {"class": ["sentence", …]} (CuPL format), found ${Array.isArray(d) ? 'an array' : typeof d}`,
    );
  }
  const byLoose = new Map<string, string>();
  for (const k of Object.keys(d)) if (!byLoose.has(looseName(k))) byLoose.set(looseName(k), k);
  const out: Descriptions = {};
  const loose: Record<string, string> = {};
  const missing: string[] = [];
  const used = new Set<string>();
  for (const c of classNames) {
    const key = Object.prototype.hasOwnProperty.call(d, c) ? c : byLoose.get(looseName(c));
    if (key === undefined) {
      missing.push(c);
      continue;
    }
    if (key !== c) loose[key] = c;
    used.add(key);
    const list = (d as Record<string, unknown>)[key];
    if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
      throw new TgrError(
        'bad_file',
        `${origin}: class '${c}' maps to ${JSON.stringify(list)?.slice(0, 60)}; expected a list of sentences`,
      );
    }
    const sentences = list.map((s: string) => s.trim()).filter((s) => s !== '');
    if (sentences.length === 0) {
      throw new TgrError(
        'bad_data',
        `${origin}: class '${c}' has an empty description list; add at least one sentence or use --source template`,
        { class: c },
      );
    }
    out[c] = sentences;
  }
  const extra = Object.keys(d).filter((k) => !used.has(k));
  if (missing.length > 0) {
    throw new TgrError(
      'unknown_name',
      `${origin}: ${missing.length} of ${classNames.length} classes missing (${preview(missing)})` +
        `${extra.length ? `; it has ${extra.length} classes the dataset lacks (${preview(extra)})` : ''}; the keys must be the dataset's class names`,
      { missing, extra },
    );
  }
  return { descriptions: out, loose, extra };
}

function preview(names: string[]): string {
  const shown = names
    .slice(0, 5)
    .map((n) => `'${n}'`)
    .join(', ');
  return names.length > 5 ? `${shown}, … ${names.length - 5} more` : shown;
}
