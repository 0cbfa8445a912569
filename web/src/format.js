// How the page writes its numbers for people, in one place.

/** A share (0..1) as a percentage with `digits` decimals: percent(0.9876) is "98.8%". */
export const percent = (p, digits = 1) => `${(p * 100).toFixed(digits)}%`;
