import type { WrittenProfile } from '../profiles/profile-service.js';

/**
 * What an upsert says about texts the model could represent little or none of, so that a text in a
 * language or notation the model does not cover is reported instead of silently becoming a poor vector.
 */

export type EmbeddingWarningCode = 'NOTHING_REPRESENTED' | 'LOW_COVERAGE';

export interface EmbeddingWarning {
  id: string;
  code: EmbeddingWarningCode;
  coverage: number;
  message: string;
}

/** Below this share of represented words an upsert warns (README "Languages"). */
export const LOW_COVERAGE = 0.5;

export function coverageWarnings(written: readonly WrittenProfile[]): EmbeddingWarning[] {
  const warnings: EmbeddingWarning[] = [];
  for (const { id, coverage, represented } of written) {
    if (coverage === 0) {
      warnings.push({
        id,
        code: 'NOTHING_REPRESENTED',
        coverage,
        message: represented
          ? `user "${id}": the model represents nothing in the text; the user is placed by behaviour alone`
          : `user "${id}": the model represents nothing in the text; the user is stored but kept out of segments and similarity until it has text or behaviour the model can use`,
      });
    } else if (coverage < LOW_COVERAGE) {
      warnings.push({
        id,
        code: 'LOW_COVERAGE',
        coverage,
        message: `user "${id}": the model represents only ${Math.round(coverage * 100)}% of the text's words`,
      });
    }
  }
  return warnings;
}
