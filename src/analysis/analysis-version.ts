/**
 * The shape version of analysis.json, bumped when it changes so a report of an old file says what it cannot show.
 * Its own file so the report can check it without loading the analyses. 2: per-stratum tallies, exact-interval
 * rates, the verdict metrics (FormatComparison.metrics), like-for-like overall.
 */
export const analysisFormatVersion = 2;
