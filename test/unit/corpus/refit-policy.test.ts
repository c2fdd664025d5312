import { describe, expect, it } from 'vitest';
import { decideRefit, worthApplying } from '../../../src/corpus/refit-policy.js';

describe('the refit policy', () => {
  const policy = { minDocuments: 100, growth: 0.5, minUnknownShare: 0.3 };

  it('fits first once the corpus has minDocuments documents', () => {
    expect(decideRefit(policy, 99, null).refit).toBe(false);
    expect(decideRefit(policy, 100, null)).toEqual({ refit: true, reason: expect.stringContaining('first fit') });
  });

  it('refits once the corpus has grown by `growth` since the fit in use, never when it shrinks', () => {
    expect(decideRefit(policy, 149, 100)).toEqual({ refit: false, reason: 'next refit at 150 documents, 149 now' });
    expect(decideRefit(policy, 150, 100)).toEqual({ refit: true, reason: expect.stringContaining('grew from 100 to 150') });
    expect(decideRefit(policy, 40, 100).refit).toBe(false);
  });

  it('never fits automatically with minDocuments 0', () => {
    expect(decideRefit({ minDocuments: 0, growth: 0.5, minUnknownShare: 0.25 }, 1_000_000, null).refit).toBe(false);
    expect(decideRefit({ minDocuments: 0, growth: 0.5, minUnknownShare: 0.25 }, 1_000_000, 10).refit).toBe(false);
  });

  it('applies an automatic fit only to a corpus with enough words the word vectors do not know', () => {
    expect(worthApplying(policy, 0.9).refit).toBe(true);
    expect(worthApplying(policy, 0.3).refit).toBe(true);
    expect(worthApplying(policy, 0.1)).toEqual({ refit: false, reason: expect.stringContaining('only 10 %') });
    expect(worthApplying({ ...policy, minUnknownShare: 0 }, 0).refit).toBe(true);
  });
});
