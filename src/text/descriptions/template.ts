import { TgrError } from '../../core/errors.js';
import type { Descriptions, DescriptionSource } from './types.js';

export interface TemplateOptions {
  /** Templates with `{class}` (or CLIP's `{}`) where the class name goes; default the paper's ablation prompt. */
  templates?: string[];
}

/** The paper's CLIP ablation prompt (Table 3, "a photo of a [CLASS]"). */
export const defaultTemplates = ['a photo of a {class}.'];

/** `template`: one sentence per template per class. */
export const template: DescriptionSource<TemplateOptions> = {
  name: 'template',
  summary: 'fill templates such as "a photo of a {class}." (the paper\'s CLIP ablation); --template adds your own',
  options: {
    templates: {
      flag: 'template',
      arg: 'text',
      value: { kind: 'text' },
      repeatable: true,
      help: 'templates with {class}, e.g. "a photo of a {class}." (repeatable)',
    },
  },
  async describe(classNames, options) {
    const templates = options.templates?.length ? options.templates : defaultTemplates;
    const bad = templates.find((t) => !t.includes('{class}') && !t.includes('{}'));
    if (bad !== undefined) {
      throw new TgrError(
        'bad_argument',
        `--template '${bad}' has no {class} placeholder; write e.g. 'a blurry photo of a {class}.'`,
      );
    }
    const out: Descriptions = {};
    for (const c of classNames) out[c] = templates.map((t) => t.replaceAll('{class}', c).replaceAll('{}', c));
    return out;
  },
};
