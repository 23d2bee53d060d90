/**
 * CuPL's LLM questions (Pratt et al., ICCV 2023, appendix and released prompts), one set per kind of dataset.
 * `{a}` is the article, `{class}` the class name, `{kind}` the super-category of a fine-grained dataset ("bird").
 */
export const questionSets = {
  /** Generic objects: CuPL's ImageNet / CIFAR questions. */
  objects: [
    'Describe what {a} {class} looks like',
    'How can you identify {a} {class}?',
    'What does {a} {class} look like?',
    'Describe an image from the internet of {a} {class}',
    'A caption of an image of {a} {class}:',
  ],
  /** Food: CuPL's Food-101 questions. */
  food: [
    'Describe what {a} {class} looks like',
    'Visually describe {a} {class}',
    'How can you tell that the food in this photo is {a} {class}?',
  ],
  /** Fine-grained species/models: CuPL's Birdsnap/CUB questions with the super-category as `{kind}`. */
  'fine-grained': [
    'Describe what {a} {class}, a species of {kind}, looks like',
    'What does {a} {class} look like?',
    'Visually describe {a} {class}, a type of {kind}',
    'A caption of an image of {a} {class}, a type of {kind}:',
    'Describe the appearance of {a} {class}',
    'What are the prominent features to identify {a} {class} {kind}?',
  ],
} as const satisfies Record<string, readonly string[]>;

/** Fills a question for one class (article 'an' before a vowel, as CuPL does). */
export function fillQuestion(question: string, className: string, kind: string): string {
  return question
    .replaceAll('{a}', /^[aeiou]/i.test(className) ? 'an' : 'a')
    .replaceAll('{class}', className)
    .replaceAll('{kind}', kind);
}
