import { lookup } from '../../core/errors.js';
import { cupl, type CuplOptions } from './cupl.js';
import { llm, type LlmOptions } from './llm.js';
import { template, type TemplateOptions } from './template.js';
import { wordnet, type WordnetOptions } from './wordnet.js';
import type { AnyDescriptionSource, Descriptions, DescriptionSource, SourceContext } from './types.js';

/** Every source's options in one bag (the CLI fills it from flags; each source reads its own fields). */
export type SourceOptions = LlmOptions & CuplOptions & WordnetOptions & TemplateOptions;

/** Every description source. Adding one: a file in descriptions/ and a line here. */
export const descriptionSources = {
  llm,
  cupl,
  wordnet,
  template,
} satisfies Record<string, AnyDescriptionSource>;

/** Gets descriptions for the class names from the named source. */
export async function describe(
  source: string,
  classNames: readonly string[],
  options: SourceOptions,
  ctx: SourceContext,
): Promise<Descriptions> {
  const s = lookup(
    descriptionSources as Record<string, DescriptionSource<SourceOptions>>,
    source,
    'description source',
  );
  return s.describe(classNames, options, ctx);
}
