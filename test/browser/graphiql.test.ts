/**
 * GraphiQL in a real headless Chromium against a real server: the page loads from the service
 * alone (no CDN), runs queries over HTTP and streams subscriptions over graphql-ws.
 *
 * Needs Chromium at /usr/bin/chromium (`apt-get install -y chromium`, or set CHROMIUM_PATH);
 * skipped with a warning otherwise. Set GRAPHIQL_SCREENSHOT=/path.png to save a screenshot of the
 * page after the first query.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/graphiql/serve-graphiql.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const GRAPHQL_PATH = '/graphql';

// CHROMIUM_PATH lets a machine with Chromium elsewhere run the test.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumMissing = !existsSync(CHROMIUM);
if (chromiumMissing) console.warn(`Chromium not found at ${CHROMIUM}: browser test skipped`);

/** Monaco renders spaces as U+00A0 and splits lines into divs: compare without any whitespace. */
const squash = (text: string) => text.replace(/\s+/gu, '');

describe.skipIf(chromiumMissing)('GraphiQL in Chromium', () => {
  let server: TestServer;
  /** The server the current test's page talks to: `server`, or the one with API keys. */
  let target: TestServer;
  let segments: Array<{ id: string; label: string; size: number }>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Problems the page reported: console errors, uncaught exceptions, CSP violations, foreign requests. */
  let problems: string[];
  let assetResponses: Response[];
  let webSockets: string[];

  beforeAll(async () => {
    // Same command `npm run build` runs; a no-op when dist/graphiql is up to date.
    const root = findPackageRoot();
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build-graphiql.mjs')], { cwd: root });
    // The real segmentql server, with a few users segmented so queries have something to show.
    server = await startTestServer();
    target = server;
    await server.gql(`mutation { upsertUsers(users: [
      { id: "ada", text: "astronomy, telescopes and distant galaxies" }, { id: "bob", text: "rockets, planets and space travel" },
      { id: "cy", text: "baking sourdough bread and pasta" }, { id: "di", text: "vegan curry recipes and soups" }]) { count } }`);
    const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 2, seed: 1 }) { id } }`);
    for (let i = 0; i < 200; i++) {
      const res = await server.gql<{ segmentationRun: { status: string } }>(`{ segmentationRun(id: "${run.data!.recluster.id}") { status } }`);
      if (res.data!.segmentationRun.status === 'SUCCEEDED') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    segments = (await server.gql<{ segments: typeof segments }>(`{ segments { id label size } }`)).data!.segments;
    expect(segments).toHaveLength(2);
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
    // A fresh context per test: GraphiQL keeps tabs and queries in localStorage.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    problems = [];
    assetResponses = [];
    webSockets = [];
    const host = new URL(target.url).host;
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Everything must come from the service itself: users sit behind firewalls without CDN access.
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.host !== host) problems.push(`request to another host: ${url.href}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
      if (response.url().includes('/graphiql/assets/')) assetResponses.push(response);
    });
    page.on('websocket', (socket) => webSockets.push(socket.url()));
    // Report CSP violations (e.g. a CDN reference) as console errors. A string, because this file
    // is type-checked against Node's globals, not the DOM's.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (event) =>
        console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`,
    });
  });

  afterEach(async () => {
    await context?.close();
  });

  /** Opens GraphiQL like a browser would (Accept: text/html) and waits for the editors. */
  async function openGraphiql(search = ''): Promise<void> {
    const response = await page.goto(`${target.url}${GRAPHQL_PATH}${search}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
    await page.locator('.graphiql-response .monaco-editor').waitFor();
  }

  const queryEditorText = async () => page.locator('.graphiql-query-editor .view-lines').innerText();
  const responseText = async () => page.locator('.graphiql-response .view-lines').innerText();

  /** Replaces the query editor's content the way a user would: select all, then type. */
  async function setQuery(query: string): Promise<void> {
    await page.locator('.graphiql-query-editor .monaco-editor textarea').focus();
    await page.keyboard.press('ControlOrMeta+KeyA');
    await page.keyboard.press('Delete');
    // insertText sends the text as one input (like a paste), so Monaco's auto-closing brackets
    // and suggestions don't interfere the way per-key typing would.
    await page.keyboard.insertText(query);
    await expect.poll(async () => squash(await queryEditorText())).toBe(squash(query));
    // GraphiQL parses the editor 100 ms after the last change (debounced) and decides from that
    // parse whether an operation is a subscription (WebSocket) or not (HTTP): running earlier
    // would use the previous query's parse. The same handler saves the query to localStorage,
    // which tells us it has run.
    await page.waitForFunction((expected) => localStorage.getItem('graphiql:query') === expected, query);
  }

  it('serves the page with its default query and runs it over HTTP', async () => {
    await openGraphiql();
    expect(await queryEditorText()).toContain('segments');
    await page.locator('.graphiql-execute-button').click();
    const expected = squash(JSON.stringify({ data: { segments } }, null, 2));
    await expect.poll(async () => squash(await responseText())).toContain(expected);
    if (process.env.GRAPHIQL_SCREENSHOT) await page.screenshot({ path: process.env.GRAPHIQL_SCREENSHOT });

    // The bundle came from the service, gzipped and cacheable.
    const scripts = assetResponses.filter((response) => response.url().endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const headers = await script.allHeaders();
      expect(headers['content-encoding'], script.url()).toBe('gzip');
      expect(headers['cache-control'], script.url()).toContain('immutable');
    }
    expect(problems).toEqual([]);
  });

  it('pre-fills the editor from ?query= (shareable links)', async () => {
    await openGraphiql(`?query=${encodeURIComponent('{ user(id: "ada") { id text } }')}`);
    expect(squash(await queryEditorText())).toBe(squash('{ user(id: "ada") { id text } }'));
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(async () => squash(await responseText())).toContain(squash('"text": "astronomy, telescopes and distant galaxies"'));
    expect(problems).toEqual([]);
  });

  it('runs a typed query with Ctrl-Enter', async () => {
    await openGraphiql();
    await setQuery('{ similarUsers(userId: "ada", limit: 1) { user { id } } }');
    await page.keyboard.press('ControlOrMeta+Enter');
    await expect.poll(async () => squash(await responseText())).toContain(squash('"user": { "id": "bob" }'));
    expect(problems).toEqual([]);
  });

  it('streams a subscription over graphql-ws', async () => {
    await openGraphiql();
    await setQuery('subscription { segmentationRunUpdated { id status phase progress } }');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => webSockets.length).toBeGreaterThan(0);
    await page.waitForTimeout(300);

    // Start a run from outside the browser; GraphiQL shows its updates as they arrive.
    const run = await server.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 2, seed: 2 }) { id } }`);
    const id = run.data!.recluster.id;
    await expect
      .poll(async () => squash(await responseText()), { timeout: 20_000 })
      .toContain(squash(`"id": "${id}", "status": "SUCCEEDED"`));
    expect(webSockets).toContain(`${server.url.replace(/^http/, 'ws')}${GRAPHQL_PATH}`);
    expect(problems).toEqual([]);
  });

  describe('with API keys', () => {
    const READER = 'graphiql-reader-0123456789abcdef';
    const ADMIN = 'graphiql-admin-0123456789abcdef';
    let keyed: TestServer;
    /** Authorization headers of the GraphQL requests the page sent, with the status of each answer. */
    let graphqlCalls: Array<{ authorization: string | undefined; status: number; introspection: boolean }>;
    /** graphql-ws connection_init payloads the page sent. */
    let connectionInits: unknown[];

    beforeAll(async () => {
      keyed = await startTestServer({ API_KEYS: `reader:${READER},admin:${ADMIN}` });
      target = keyed;
    });
    afterAll(async () => {
      target = server;
      await keyed?.close();
    });

    beforeEach(() => {
      graphqlCalls = [];
      connectionInits = [];
      page.on('response', async (response) => {
        const request = response.request();
        if (request.method() !== 'POST' || !request.url().endsWith(GRAPHQL_PATH)) return;
        const headers = await request.allHeaders();
        graphqlCalls.push({ authorization: headers.authorization, status: response.status(), introspection: (request.postData() ?? '').includes('__schema') });
      });
      page.on('websocket', (socket) =>
        socket.on('framesent', ({ payload }) => {
          const message = JSON.parse(String(payload)) as { type: string; payload?: unknown };
          if (message.type === 'connection_init') connectionInits.push(message.payload ?? null);
        }),
      );
    });

    /** Before a key is pasted the page's schema request is refused (401): expected, not a problem. */
    const unexpectedProblems = () =>
      problems.filter((p) => !/^HTTP 401 for .*\/graphql$/.test(p) && !/status of 401 \(Unauthorized\)/.test(p));

    /** Pastes headers into GraphiQL's header editor, as a user would. */
    async function setHeaders(json: string): Promise<void> {
      await page.locator('.graphiql-editor-tools button[data-name="headers"]').click();
      const editor = page.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor');
      await editor.waitFor();
      await editor.locator('textarea').focus();
      await page.keyboard.press('ControlOrMeta+KeyA');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(json);
      await expect.poll(async () => squash(await editor.locator('.view-lines').innerText())).toBe(squash(json));
    }

    it('uses a key pasted into the headers editor for queries and for the schema', async () => {
      await openGraphiql();
      // Without a key the schema request is refused.
      await expect.poll(() => graphqlCalls.some((c) => c.introspection && c.status === 401)).toBe(true);
      await setHeaders(`{"Authorization": "Bearer ${READER}"}`);
      // The schema is fetched again with the key (docs and autocompletion work).
      await expect.poll(() => graphqlCalls.some((c) => c.introspection && c.status === 200 && c.authorization === `Bearer ${READER}`)).toBe(true);

      await page.locator('.graphiql-execute-button').click();
      const segments = (await keyed.gql<{ segments: unknown[] }>('{ segments { id label size } }', {}, { headers: { authorization: `Bearer ${READER}` } })).data!.segments;
      await expect.poll(async () => squash(await responseText())).toContain(squash(JSON.stringify({ data: { segments } }, null, 2)));
      expect(graphqlCalls.filter((c) => !c.introspection).at(-1)).toEqual({ authorization: `Bearer ${READER}`, status: 200, introspection: false });
      expect(unexpectedProblems()).toEqual([]);
    });

    it('sends the key as connectionParams.authorization for subscriptions', async () => {
      await openGraphiql();
      await setHeaders(`{"Authorization": "Bearer ${READER}"}`);
      await setQuery('subscription { reclusterCompleted { id status } }');
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => connectionInits.length).toBeGreaterThan(0);
      expect(connectionInits).toEqual([{ authorization: `Bearer ${READER}` }]);
      await page.waitForTimeout(300);

      const admin = { headers: { authorization: `Bearer ${ADMIN}` } };
      await keyed.gql(`mutation { upsertUsers(users: [{ id: "ada", text: "astronomy and galaxies" }, { id: "cy", text: "baking bread" }]) { count } }`, {}, admin);
      const run = await keyed.gql<{ recluster: { id: string } }>(`mutation { recluster(input: { k: 2, seed: 3 }) { id } }`, {}, admin);
      const id = run.data!.recluster.id;
      await expect
        .poll(async () => squash(await responseText()), { timeout: 20_000 })
        .toContain(squash(`"reclusterCompleted": { "id": "${id}", "status": "SUCCEEDED" }`));
      expect(unexpectedProblems()).toEqual([]);
    });
  });
});
