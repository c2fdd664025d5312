/**
 * `npm run build && node dist/bench/multilingual.js`: how well the offline model groups planted
 * multilingual personas (src/evaluation/multilingual-personas.ts, and the corpus-fit tests' own generator
 * src/evaluation/everyday-chinese-personas.ts): word vectors only, the default subword setting and another
 * seed (how much the hashing's luck matters), and the default fitted to each corpus (src/embedding/corpus-fit.ts)
 * with the settings the README's choice compares. Choosing the subword design, concatenated subword dimensions
 * (100 and 200 next to the word vectors' 100) grouped no better than the shared 100 dimensions (README
 * "Languages"). Per corpus: nearest-neighbour accuracy (share of users whose most similar other user has their
 * theme), k-means ARI at the true k (mean over 5 seeds), and the same with 8 seedings as a segmentation run does.
 */
import path from 'node:path';
import { adjustedRandIndex, kmeans } from '../src/clustering/index.js';
import { DEFAULT_K_SELECTION_INITS } from '../src/clustering/choose-k.js';
import { DEFAULT_SUBWORDS, ensureDefaultModel, loadOfflineEmbedder, type Embedder } from '../src/embedding/index.js';
import type { FitOptions } from '../src/embedding/corpus-fit.js';
import { everydayChinesePersonas, EVERYDAY_THEMES } from '../src/evaluation/everyday-chinese-personas.js';
import type { MultilingualEmbedder } from '../src/embedding/multilingual-embedder.js';
import {
  CHINESE_THEMES,
  ENGLISH_THEMES,
  multilingualPersonas,
  SPANISH_THEMES,
  type ChineseStyle,
  type MultilingualTheme,
  type PlantedUser,
} from '../src/evaluation/multilingual-personas.js';

const log = (line: string) => process.stdout.write(`${line}\n`);

const personas = (themes: readonly MultilingualTheme[], style?: ChineseStyle) => (perTheme: number, seed: number) => multilingualPersonas(themes, perTheme, seed, style);
const shifted = (users: PlantedUser[], by: number) => users.map((u) => ({ ...u, theme: u.theme + by }));
const corpora: Array<{ name: string; k: number; users: (perTheme: number, seed: number) => PlantedUser[] }> = [
  { name: 'chinese (6 themes)', k: 6, users: personas(CHINESE_THEMES) },
  { name: 'chinese (6 themes), everyday sentences', k: 6, users: personas(CHINESE_THEMES, 'sentences') },
  { name: 'chinese (6 other themes), everyday clauses (the tests\' generator)', k: 6, users: (n, seed) => everydayChinesePersonas(EVERYDAY_THEMES, n, seed) },
  { name: 'mixed en+zh (3+3)', k: 6, users: personas([...ENGLISH_THEMES, ...CHINESE_THEMES.slice(0, 3)]) },
  {
    name: 'mixed en+zh everyday clauses (3+3)',
    k: 6,
    users: (n, seed) => [...multilingualPersonas(ENGLISH_THEMES, n, seed), ...shifted(everydayChinesePersonas(EVERYDAY_THEMES.slice(0, 3), n, seed + 1), 3)],
  },
  { name: 'mixed en+zh+es (3+3+2)', k: 8, users: personas([...ENGLISH_THEMES, ...CHINESE_THEMES.slice(0, 3), ...SPANISH_THEMES]) },
  { name: 'english (3)', k: 3, users: personas(ENGLISH_THEMES) },
];

function evaluate(vectors: Float32Array[], truth: number[], k: number): { nn: number; ari: number; serviceAri: number; zero: number } {
  const n = vectors.length;
  const d = vectors[0]!.length;
  let correct = 0;
  let zero = 0;
  for (let i = 0; i < n; i++) {
    if (vectors[i]!.every((x) => x === 0)) zero++;
    let best = -Infinity;
    let bestJ = -1;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let t = 0; t < d; t++) dot += vectors[i]![t]! * vectors[j]![t]!;
      // Ties (all zero vectors) go to the first candidate, as a store would return some arbitrary user.
      if (dot > best) {
        best = dot;
        bestJ = j;
      }
    }
    if (truth[bestJ] === truth[i]) correct++;
  }
  const data = new Float32Array(n * d);
  vectors.forEach((v, i) => data.set(v, i * d));
  let ari = 0;
  const seeds = [1, 2, 3, 4, 5];
  let serviceAri = 0;
  for (const seed of seeds) {
    ari += adjustedRandIndex(kmeans(data, n, d, k, { seed }).assignments, truth);
    // As a segmentation run clusters: the best of 8 k-means++ seedings.
    serviceAri += adjustedRandIndex(kmeans(data, n, d, k, { seed, nInit: DEFAULT_K_SELECTION_INITS }).assignments, truth);
  }
  return { nn: correct / n, ari: ari / seeds.length, serviceAri: serviceAri / seeds.length, zero };
}

const dir = await ensureDefaultModel(path.resolve('models'));
const base = (await loadOfflineEmbedder(dir, { subwords: DEFAULT_SUBWORDS })) as MultilingualEmbedder;
/** The default model fitted to the corpus it embeds (what the service does once it has enough users). */
const fitted = (options: FitOptions) => (texts: string[]) => base.withFit(base.fitCorpus(texts, options));
const variants: Array<{ name: string; embedder: Embedder | ((texts: string[]) => Embedder) }> = [
  { name: 'word vectors only (old default)', embedder: await loadOfflineEmbedder(dir, { subwords: null }) },
  { name: 'default: + subwords, seed 1', embedder: base },
  { name: '+ subwords, seed 2', embedder: await loadOfflineEmbedder(dir, { subwords: { seed: 2 } }) },
  { name: '+ fit: IDF weights only', embedder: fitted({ lsaRank: 0, sifA: 0 }) },
  { name: '+ fit: SIF weights only', embedder: fitted({ lsaRank: 0 }) },
  { name: '+ fit: IDF weights + LSA 16', embedder: fitted({ sifA: 0 }) },
  { name: '+ fit: SIF + LSA 32', embedder: fitted({ lsaRank: 32 }) },
  { name: 'corpus fit, defaults (SIF + LSA 16)', embedder: fitted({}) },
];
const perTheme = 30;
for (const corpus of corpora) {
  log(`\n${corpus.name}, ${perTheme} users per theme`);
  const users = corpus.users(perTheme, 7);
  const truth = users.map((u) => u.theme);
  for (const variant of variants) {
    const texts = users.map((u) => u.text);
    const embedder = typeof variant.embedder === 'function' ? variant.embedder(texts) : variant.embedder;
    const embedded = await embedder.embedWithCoverage(texts);
    const vectors = embedded.map((e) => e.vector);
    const coverage = embedded.reduce((s, e) => s + e.coverage, 0) / embedded.length;
    const { nn, ari, serviceAri, zero } = evaluate(vectors, truth, corpus.k);
    log(`  ${variant.name.padEnd(40)} NN ${nn.toFixed(3)}  ARI ${ari.toFixed(3)}  ARI(8 seedings) ${serviceAri.toFixed(3)}  coverage ${coverage.toFixed(2)}  zero vectors ${zero}`);
  }
}
for (const variant of variants) if (typeof variant.embedder !== 'function') await variant.embedder.close();
