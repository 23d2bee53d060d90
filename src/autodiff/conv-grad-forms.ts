/**
 * The names of the Conv weight-gradient forms, one per entry of conv-grad.ts' `convGradWForms` (which is typed against
 * this, so the two cannot differ). Named here rather than derived from that table because `GradOptions` can force one
 * form and GradGraph carries it, while conv-grad.ts builds on GradGraph: deriving it would tie the two files in a loop.
 */
export type ConvGradWForm = 'shifts' | 'flatShifts' | 'rowShifts' | 'shiftsNhwc' | 'oneHot' | 'batchConv';
