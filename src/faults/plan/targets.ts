/** What faults can land in: activations (the paper's neurons) or weights. */
export const targets = ['neurons', 'weights'] as const;
/** What faults land in. */
export type Target = (typeof targets)[number];
