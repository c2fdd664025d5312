import type { Interaction, InteractionKind } from '../interactions/interaction.js';

/** How much each kind of interaction says about a user's taste, and how fast it fades. */
export interface ProfileWeights {
  /** Share of the text embedding in the profile vector (the rest is behaviour), 0..1. */
  textWeight: number;
  kinds: Record<InteractionKind, number>;
  /** Days after which an interaction counts half. */
  halfLifeDays: number;
}

export const DEFAULT_PROFILE_WEIGHTS: ProfileWeights = {
  textWeight: 0.5,
  kinds: { VIEW: 0.25, CLICK: 0.5, LIKE: 1, RATING: 1, PURCHASE: 1.5 },
  halfLifeDays: 365,
};

/**
 * The weight of one interaction: by kind, by value for ratings (centred on 3 so low
 * ratings push the profile away from an item), and halved every half-life.
 */
export function interactionWeight(interaction: Interaction, weights: ProfileWeights, now: number): number {
  let w = weights.kinds[interaction.kind] ?? 0;
  if (interaction.kind === 'RATING' && interaction.value !== null) w *= (interaction.value - 3) / 2;
  const ageDays = Math.max(0, (now - interaction.at.getTime()) / 86_400_000);
  return w * 0.5 ** (ageDays / weights.halfLifeDays);
}

/**
 * The profile vector: the text embedding blended with the weighted mean of the vectors
 * of items the user engaged with, normalised. Users without usable interactions keep
 * their text vector; users whose text embeds to zero rely on behaviour alone.
 */
export function blendProfileVector(
  textVector: Float32Array,
  interactions: readonly Interaction[],
  itemVectors: ReadonlyMap<string, Float32Array>,
  weights: ProfileWeights,
  now = Date.now(),
): Float32Array {
  const d = textVector.length;
  const behaviour = new Float64Array(d);
  let total = 0;
  for (const interaction of interactions) {
    const v = itemVectors.get(interaction.itemId);
    if (!v) continue;
    const w = interactionWeight(interaction, weights, now);
    if (w === 0) continue;
    for (let i = 0; i < d; i++) behaviour[i]! += w * v[i]!;
    total += Math.abs(w);
  }
  const behaviourNorm = Math.sqrt(behaviour.reduce((s, x) => s + x * x, 0));
  const textNorm = Math.sqrt(textVector.reduce((s, x) => s + x * x, 0));
  const out = new Float32Array(d);
  const a = textNorm > 0 ? (behaviourNorm > 0 ? weights.textWeight : 1) : 0;
  const b = behaviourNorm > 0 && total > 0 ? 1 - a : 0;
  for (let i = 0; i < d; i++) {
    out[i] = (textNorm > 0 ? (a * textVector[i]!) / textNorm : 0) + (b > 0 ? (b * behaviour[i]!) / behaviourNorm : 0);
  }
  const norm = Math.sqrt(out.reduce((s, x) => s + x * x, 0));
  if (norm > 0) for (let i = 0; i < d; i++) out[i]! /= norm;
  return out;
}
