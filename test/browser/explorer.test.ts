/**
 * The segment explorer (/explorer) in a real headless Chromium against a real segmentql server with
 * the embedded store: planted users with clear themes, two finished runs, API keys and a sensitive
 * attribute that skews one segment. Asserts what the page renders (one card per segment, one plot
 * point per sampled member, the hovered member's text, run history, search, skew warnings, the
 * item audience when the server has it), that every GraphQL request carries the pasted key, that
 * nothing leaves the host (route interception) and that the page logs no errors.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`, or set CHROMIUM_PATH);
 * skipped with a warning otherwise. Screenshots go to test-artifacts/explorer/ (gitignored).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/graphiql/serve-graphiql.js';
import { personaData } from '../support/personas.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// CHROMIUM_PATH lets a machine with Chromium elsewhere run the test.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing) console.warn(`Chromium not found at ${CHROMIUM}: browser test skipped`);

const READER = 'explorer-reader-0123456789abcdef';
const ADMIN = 'explorer-admin-0123456789abcdef';
const ARTIFACTS = path.join(findPackageRoot(), 'test-artifacts', 'explorer');
/** How long to wait for the page to show something: generous, the CPU is shared with other test files. */
const WAIT = { timeout: 30_000 };

/** Three themes (space, cooking, outdoors), 12 users each; every cook has gender "f", nobody else: the cooking segment is skewed. */
const data = personaData(12, 11, 3);
const users = [
  ...data.users.map((user) => ({ ...user, attributes: { ...user.attributes, gender: user.id.startsWith('cooking') ? 'f' : 'm' } })),
  // A text a spreadsheet would run as a formula: the CSV export must defuse it.
  { id: 'space-formula', text: '=HYPERLINK("http://example.invalid") rocket galaxy astronaut planet orbit', attributes: { occupation: 'engineer', age: 30, gender: 'm' } },
];
const textOf = new Map(users.map((u) => [u.id, u.text]));

interface Segment {
  id: string;
  key: string;
  skew: Array<{ flagged: boolean }>;
}
interface RunAnswer {
  segmentationRun: { id: string; status: string; segments: Segment[]; projection: { members: Array<{ userId: string }>; centroids: unknown[] } | null };
}

describe.skipIf(chromiumMissing)('segment explorer in Chromium', () => {
  let server: TestServer;
  /** The server the current test's page talks to: `server`, or the open one. */
  let target: TestServer;
  /** Runs oldest first. */
  let runIds: string[];
  let active: RunAnswer['segmentationRun'];
  let older: RunAnswer['segmentationRun'];
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Console errors, uncaught exceptions, CSP violations, failed responses. */
  let problems: string[];
  /** Requests to any host but the server's (aborted by the route). */
  let foreignRequests: string[];
  /** Authorization header of every GraphQL request the page sent. */
  let graphqlAuthorizations: Array<string | undefined>;

  const admin = { headers: { authorization: `Bearer ${ADMIN}` } };
  const reader = { headers: { authorization: `Bearer ${READER}` } };

  async function runToEnd(seed: number): Promise<string> {
    const started = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 3, seed: ${seed} }) { id } }`, {}, admin);
    const id = started.data!.recluster.id;
    for (let i = 0; i < 600; i++) {
      const status = (await server.gql<RunAnswer>(`{ segmentationRun(id: "${id}") { status } }`, {}, reader)).data?.segmentationRun.status;
      if (status === 'SUCCEEDED') return id;
      if (status !== 'QUEUED' && status !== 'RUNNING') throw new Error(`run ${id} ended ${status}: ${JSON.stringify((await server.gql(`{ segmentationRun(id: "${id}") { error } }`, {}, reader)).data)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`run ${id} did not finish`);
  }

  const runQuery = `query($id: ID!) { segmentationRun(id: $id) { id status segments { id key skew { flagged } } projection(sample: 500) { members { userId } centroids { x } } } }`;

  beforeAll(async () => {
    // Same command `npm run build` runs; a no-op when dist/explorer is up to date.
    const root = findPackageRoot();
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build-graphiql.mjs')], { cwd: root });
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startTestServer({
      API_KEYS: `reader:${READER},admin:${ADMIN}`,
      SENSITIVE_ATTRIBUTES: 'gender',
      // Skew is about who lands in a segment, not what shapes it: gender stays out of the vectors.
      PROFILE_EXCLUDE_ATTRIBUTES: 'gender',
    });
    await server.gql(`mutation($items: [ItemInput!]!) { upsertItems(items: $items) { count } }`, { items: data.items }, admin);
    await server.gql(`mutation($users: [UserInput!]!) { upsertUsers(users: $users) { count } }`, { users }, admin);
    await server.gql(`mutation($i: [InteractionInput!]!) { createInteractions(interactions: $i) { count } }`, { i: data.interactions }, admin);
    target = server;
    runIds = [await runToEnd(1), await runToEnd(2)];
    older = (await server.gql<RunAnswer>(runQuery, { id: runIds[0] }, reader)).data!.segmentationRun;
    active = (await server.gql<RunAnswer>(runQuery, { id: runIds[1] }, reader)).data!.segmentationRun;
    expect(active.segments).toHaveLength(3);
    expect(active.projection!.members).toHaveLength(users.length);
    // The planted skew is there for the page to show.
    expect(active.segments.filter((s) => s.skew.some((k) => k.flagged)).length).toBeGreaterThan(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    problems = [];
    foreignRequests = [];
    graphqlAuthorizations = [];
    const host = new URL(target.url).host;
    // Nothing may leave the host: anything else is recorded and aborted before it goes out.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.host !== host) {
        foreignRequests.push(url.href);
        await route.abort('blockedbyclient');
        return;
      }
      await route.continue();
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') graphqlAuthorizations.push(request.headers().authorization);
    });
    // CSP violations (an inline style, a CDN reference) become console errors. A string, because
    // this file is type-checked against Node's globals, not the DOM's.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`,
    });
  });

  afterEach(async () => {
    await context?.close();
  });

  async function openAndConnect(key = READER): Promise<void> {
    const response = await page.goto(`${server.url}/explorer`);
    expect(response?.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}/explorer/`);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
    await page.getByRole('textbox', { name: 'API key' }).fill(key);
    await page.getByRole('button', { name: 'Connect' }).click();
  }

  const cards = () => page.locator('article.segment-card');

  it('loads without a key, then shows the active run with the pasted key: a card per segment and a point per sampled member', async () => {
    await openAndConnect();
    await expect.poll(() => cards().count(), WAIT).toBe(active.segments.length);
    const keys = await cards().evaluateAll((elements) => elements.map((e) => e.getAttribute('data-segment-key')));
    expect(keys.sort()).toEqual(active.segments.map((s) => s.key).sort());
    await expect.poll(() => page.locator('section[data-run-id]').getAttribute('data-run-id'), WAIT).toBe(active.id);

    // One dot per sampled member, one star per centroid.
    await expect.poll(() => page.locator('svg.projection-plot [aria-label^="user "]').count(), WAIT).toBe(active.projection!.members.length);
    expect(await page.locator('svg.projection-plot [aria-label^="centroid of "]').count()).toBe(active.projection!.centroids.length);

    // Every card has a size, keywords and traits with lift bars.
    for (const card of await cards().all()) {
      await expect.poll(() => card.locator('.segment-size').innerText(), WAIT).toMatch(/^\d+ users$/);
      expect(await card.locator('.chip').count()).toBeGreaterThan(0);
      expect(await card.locator('.lift-bar').count()).toBeGreaterThan(0);
      expect(await card.locator('.representatives li').count()).toBeGreaterThan(0);
    }
    // Skew warnings exactly on the segments the server flags.
    const flagged = active.segments.filter((s) => s.skew.some((k) => k.flagged)).map((s) => s.key);
    const warned = await page.locator('article.segment-card:has(.skew-warning)').evaluateAll((elements) => elements.map((e) => e.getAttribute('data-segment-key')));
    expect(warned.sort()).toEqual(flagged.sort());
    expect(await page.locator('.run-skew').innerText()).toContain('gender');

    // The run history: both runs, the active one with its stability against the first.
    const rows = page.locator('table.run-history tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().getAttribute('data-run-id')).toBe(active.id);
    expect(await rows.first().innerText()).toMatch(/ARI -?\d\.\d\d/);
    expect(await rows.first().innerText()).toMatch(/\d+ (kept|new|split|merged|retired)/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview.png'), fullPage: true });

    // Hovering a dot shows that member's text.
    const userId = active.projection!.members[0]!.userId;
    await page.locator(`svg.projection-plot [aria-label="user ${userId}"]`).hover({ force: true });
    const tooltip = page.getByRole('tooltip');
    await expect.poll(() => tooltip.getAttribute('data-user-id'), WAIT).toBe(userId);
    await expect.poll(() => tooltip.innerText(), WAIT).toContain(textOf.get(userId)!);
    await page.locator('.plot-panel').screenshot({ path: path.join(ARTIFACTS, 'plot-tooltip.png') });

    // The key went with every GraphQL request, in a header; it is in sessionStorage, not in the URL.
    expect(graphqlAuthorizations.length).toBeGreaterThan(0);
    expect(new Set(graphqlAuthorizations)).toEqual(new Set([`Bearer ${READER}`]));
    expect(page.url()).not.toContain(READER);
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toContain(READER);
    // A reload connects again without asking.
    await page.reload();
    await expect.poll(() => cards().count(), WAIT).toBe(active.segments.length);
    expect(await page.getByRole('textbox', { name: 'API key' }).count()).toBe(0);

    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('finds segments by description and highlights the best one', async () => {
    await openAndConnect();
    await expect.poll(() => cards().count(), WAIT).toBe(active.segments.length);
    const query = 'rockets, galaxies, astronauts and planets';
    const expected = await server.gql<{ searchSegments: Array<{ segment: { key: string } }> }>(
      `query($q: String!) { searchSegments(query: $q, limit: 5) { segment { key } } }`,
      { q: query },
      reader,
    );
    const spaceKey = (await server.gql<{ user: { segment: { key: string } } }>(`{ user(id: "space-0") { segment { key } } }`, {}, reader)).data!.user.segment.key;
    expect(expected.data!.searchSegments[0]!.segment.key).toBe(spaceKey);

    await page.getByRole('searchbox', { name: 'Describe the people you are looking for' }).fill(query);
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.locator('.search-results li');
    await expect.poll(() => results.count(), WAIT).toBe(expected.data!.searchSegments.length);
    expect(await results.first().getAttribute('data-segment-key')).toBe(spaceKey);
    await results.first().locator('button').click();
    await expect.poll(() => page.locator('article.segment-card.highlighted').getAttribute('data-segment-key'), WAIT).toBe(spaceKey);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search.png') });
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the audience of an item, or says the server has none', async () => {
    const schema = await server.gql<{ __type: { fields: Array<{ name: string }> } }>(`{ __type(name: "Query") { fields { name } } }`, {}, reader);
    const hasAudience = schema.data!.__type.fields.some((f) => f.name === 'audience');
    await openAndConnect();
    await expect.poll(() => cards().count(), WAIT).toBe(active.segments.length);
    if (!hasAudience) {
      await expect.poll(() => page.locator('[data-unavailable="audience"]').innerText(), WAIT).toContain('not available on this server');
    } else {
      const expected = await server.gql<{ audience: Array<{ user: { id: string } }> }>(
        `{ audience(itemIds: ["space-item-0"], first: 20) { user { id } } }`,
        {},
        reader,
      );
      expect(expected.errors).toBeUndefined();
      await page.getByRole('textbox', { name: 'Item ids' }).fill('space-item-0');
      await page.getByRole('button', { name: 'Find audience' }).click();
      const rows = page.locator('table.audience tbody tr');
      await expect.poll(() => rows.count(), WAIT).toBe(expected.data!.audience.length);
      expect(await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-user-id')))).toEqual(expected.data!.audience.map((a) => a.user.id));
      expect(await page.locator('.audience-result').innerText()).toContain('space-item-0');
    }
    await page.locator('section[aria-labelledby="audience-title"]').screenshot({ path: path.join(ARTIFACTS, 'audience.png') });
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('exports a segment\'s members as CSV, formulae defused', async () => {
    await openAndConnect();
    await expect.poll(() => cards().count(), WAIT).toBe(active.segments.length);
    const segmentOf = await server.gql<{ user: { segment: { id: string; key: string; size: number } } }>(`{ user(id: "space-formula") { segment { id key size } } }`, {}, reader);
    const segment = segmentOf.data!.user.segment;
    const members = await server.gql<{ segment: { members: { nodes: Array<{ id: string }> } } }>(`query($id: ID!) { segment(id: $id) { members(first: 100) { nodes { id } } } }`, { id: segment.id }, reader);
    const expectedIds = members.data!.segment.members.nodes.map((n) => n.id);
    expect(expectedIds).toHaveLength(segment.size);

    const downloading = page.waitForEvent('download');
    await page.locator(`article.segment-card[data-segment-key="${segment.key}"]`).getByRole('button', { name: 'Export members (CSV)' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`segment-${segment.key}-members.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('user_id,segment_key,text,attributes');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(expectedIds);
    // The formula is prefixed with a quote, so a spreadsheet shows it as text.
    expect(lines.find((line) => line.startsWith('space-formula,'))).toContain(`,"'=HYPERLINK(""http://example.invalid"")`);
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows an older run from the history', async () => {
    await openAndConnect();
    await expect.poll(() => cards().count(), WAIT).toBe(active.segments.length);
    await page.locator(`table.run-history tr[data-run-id="${older.id}"] button`).click();
    await expect.poll(() => page.locator('section[data-run-id]').getAttribute('data-run-id'), WAIT).toBe(older.id);
    expect(await page.locator('section[data-run-id]').innerText()).toContain('not active');
    const keys = await cards().evaluateAll((elements) => elements.map((e) => e.getAttribute('data-segment-key')));
    expect(keys.sort()).toEqual(older.segments.map((s) => s.key).sort());
    await expect.poll(() => page.locator('svg.projection-plot [aria-label^="user "]').count(), WAIT).toBe(older.projection!.members.length);
    expect(foreignRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('says so when the key is refused', async () => {
    await openAndConnect('not-a-key-0123456789abcdef');
    await expect.poll(() => page.getByRole('alert').innerText(), WAIT).toContain('refused this key');
    expect(await cards().count()).toBe(0);
    expect(graphqlAuthorizations).toEqual(['Bearer not-a-key-0123456789abcdef']);
    // The refusal itself is the only failed response.
    expect(problems.filter((p) => !/401/.test(p))).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });

  describe('on an open service (no API keys)', () => {
    let open: TestServer;
    beforeAll(async () => {
      open = await startTestServer();
      target = open;
    });
    afterAll(async () => {
      target = server;
      await open?.close();
    });

    it('connects without asking for a key and says there is no run yet', async () => {
      await page.goto(`${open.url}/explorer/`);
      await expect.poll(() => page.locator('.empty').innerText(), WAIT).toContain('No segmentation run has succeeded yet');
      expect(await page.locator('.key-status').innerText()).toContain('open service');
      expect(await page.getByRole('textbox', { name: 'API key' }).count()).toBe(0);
      expect(new Set(graphqlAuthorizations)).toEqual(new Set([undefined]));
      await page.screenshot({ path: path.join(ARTIFACTS, 'empty-open-service.png') });
      expect(foreignRequests).toEqual([]);
      expect(problems).toEqual([]);
    });
  });
});
