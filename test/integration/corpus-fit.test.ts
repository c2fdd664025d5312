import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everydayChinesePersonas, EVERYDAY_THEMES } from '../../src/evaluation/everyday-chinese-personas.js';
import { ENGLISH_THEMES, multilingualPersonas, type PlantedUser } from '../../src/evaluation/multilingual-personas.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

/**
 * The corpus fit through the API: users who write everyday Chinese clauses around their theme (the
 * tests' own generator, src/evaluation/everyday-chinese-personas.ts) are grouped by theme once the
 * default model is fitted to their texts, alone or beside English users; and the automatic policy fits
 * and refits by itself. Re-embedding under concurrent writes and restarts: corpus-fit-reembed.test.ts.
 */

const chinese = everydayChinesePersonas(EVERYDAY_THEMES, 35, 21);
const mixedThemes = [...ENGLISH_THEMES, ...EVERYDAY_THEMES.slice(0, 3)];
const mixed: PlantedUser[] = [
  ...multilingualPersonas(ENGLISH_THEMES, 30, 22),
  ...everydayChinesePersonas(EVERYDAY_THEMES.slice(0, 3), 30, 23).map((u) => ({ ...u, theme: u.theme + ENGLISH_THEMES.length })),
];

import { ariOf, fitStatus, majorityTheme, neighbourAccuracy, recluster, refit, segments, upsert, waitForFit, type FitView } from '../support/corpus-fit.js';

/** A theme word, or a word ICU's dictionary cuts out of one ("蛋白" of "蛋白粉", "程序" of "程序员"). */
function isThemeWord(themeWords: ReadonlySet<string>, term: string): boolean {
  return [...themeWords].some((word) => word === term || ([...term].length >= 2 && word.includes(term)));
}

describe('everyday Chinese sentences, before and after the corpus fit', () => {
  let server: TestServer;
  let before: { ari: number };
  let fit: FitView;
  beforeAll(async () => {
    server = await startTestServer({ MAX_RESULT_LIMIT: '300' });
    await upsert(server, chinese);
    await recluster(server, EVERYDAY_THEMES.length);
    before = { ari: ariOf(chinese, await segments(server)) };
    fit = await refit(server);
    await recluster(server, EVERYDAY_THEMES.length);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('without a fit the shared everyday words hide the themes (the gap the fit closes)', () => {
    expect(before.ari).toBeLessThan(0.5);
  });

  it('applies the fit to every user and names it in the model id', async () => {
    // Re-embedded as an embedding migration: every user, then the segments' centroids.
    expect(fit).toMatchObject({ phase: 'IDLE', progress: 1, fittedDocuments: chinese.length, lastError: null });
    expect(fit.reembedded).toBe(fit.toReembed);
    expect(fit.toReembed).toBeGreaterThanOrEqual(chinese.length);
    expect(fit.fitId).toMatch(/^[0-9a-f]{12}$/);
    expect(fit.modelId).toMatch(new RegExp(`\\+fit-${fit.fitId}$`));
    expect(fit.reason).toContain('refitCorpus');
  });

  it('recovers the planted themes at the true k (ARI >= 0.9) with neighbours from the same theme (>= 0.9)', async () => {
    expect(ariOf(chinese, await segments(server))).toBeGreaterThanOrEqual(0.9);
    expect(await neighbourAccuracy(server, chinese)).toBeGreaterThanOrEqual(0.9);
  });

  it("labels segments with the theme's words", async () => {
    for (const segment of await segments(server)) {
      const themeWords = new Set(EVERYDAY_THEMES[majorityTheme(chinese, segment)]!.words);
      const terms = segment.label.split(' · ');
      expect(terms.length).toBeGreaterThanOrEqual(2);
      for (const term of terms) expect(isThemeWord(themeWords, term), `${term} in "${segment.label}"`).toBe(true);
    }
  });

  it('places a Chinese query in the segment of its theme (segmentForText)', async () => {
    const list = await segments(server);
    const queries: Array<[string, number]> = [
      ['我家的猫咪最近需要打疫苗，还要买猫粮', 0],
      ['这段时间一直在健身房练深蹲和卧推', 1],
      ['周末带着相机出去拍风光，回来修图', 2],
      ['阳台上的多肉和月季都需要浇水施肥', 3],
      ['下午在茶馆泡茶，喝了普洱和龙井', 4],
      ['下班以后写代码，调试服务器的接口', 5],
    ];
    for (const [text, theme] of queries) {
      const res = await server.gql<{ segmentForText: { segment: { id: string } } }>(`query($t: String!) { segmentForText(text: $t) { segment { id } } }`, { t: text });
      expect(res.errors).toBeUndefined();
      const segment = list.find((s) => s.id === res.data!.segmentForText.segment.id)!;
      expect(majorityTheme(chinese, segment), text).toBe(theme);
    }
  });
});

describe('a mixed corpus after the fit: English themes and everyday Chinese ones', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ MAX_RESULT_LIMIT: '300' });
    await upsert(server, mixed);
    await refit(server);
    await recluster(server, mixedThemes.length);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('puts both languages in one set of segments that recovers every theme (ARI >= 0.9), neighbours from the same theme (>= 0.9)', async () => {
    const list = await segments(server);
    expect(list).toHaveLength(mixedThemes.length);
    expect(ariOf(mixed, list)).toBeGreaterThanOrEqual(0.9);
    expect(await neighbourAccuracy(server, mixed)).toBeGreaterThanOrEqual(0.9);
    for (const segment of list) {
      const themeWords = new Set(mixedThemes[majorityTheme(mixed, segment)]!.words);
      for (const term of segment.label.split(' · ')) expect(isThemeWord(themeWords, term), `${term} in "${segment.label}"`).toBe(true);
    }
  });
});

describe('the refit policy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ CORPUS_FIT_MIN_DOCUMENTS: '60', CORPUS_REFIT_GROWTH: '0.5', CORPUS_FIT_CHECK_MS: '1000' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves the base model below CORPUS_FIT_MIN_DOCUMENTS, fits once there, refits when the corpus has grown by CORPUS_REFIT_GROWTH', async () => {
    await upsert(server, chinese.slice(0, 59));
    const unfitted = await fitStatus(server);
    expect(unfitted).toMatchObject({ fitId: null, fittedDocuments: null, phase: 'IDLE' });
    expect(unfitted.modelId).not.toContain('+fit-');

    await upsert(server, chinese.slice(59, 70));
    const first = await waitForFit(server, (fit) => fit.fitId !== null && fit.phase === 'IDLE');
    expect(first).toMatchObject({ fittedDocuments: 70, reembedded: 70 });
    expect(first.reason).toContain('first fit');

    // 70 · 1.5 = 105 documents: 104 users and an item.
    await upsert(server, chinese.slice(70, 104));
    const items = await server.gql(`mutation { upsertItems(items: [{ id: "teapot", title: "紫砂茶具" }]) { count } }`);
    expect(items.errors).toBeUndefined();
    const second = await waitForFit(server, (fit) => fit.fitId !== first.fitId && fit.phase === 'IDLE');
    expect(second).toMatchObject({ fittedDocuments: 105, reembedded: 105 });
    expect(second.reason).toContain('grew from 70 to 105');
  });
});
