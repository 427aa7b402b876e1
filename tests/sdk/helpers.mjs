// Shared setup of the SDK conformance suite: the target's URL, the network guards,
// one official SDK client per test file (its own random site), media fixtures.
//
// Run by tests/test_sdk.py with FAKEGALLERY_URL=http://127.0.0.1:PORT. By hand:
//   fakegallery serve --port 0 --no-fixtures   (prints the URL)
//   FAKEGALLERY_URL=http://127.0.0.1:PORT node --test tests/sdk/
//
// Against REAL Wix (docs/parity.md), only when asked, never in CI:
//   WIX_PARITY=real WIX_API_KEY=... WIX_SITE_ID=<an empty test site> npm run test:real
// Then every file uses that one site, runs after the other (test:real), refuses a
// site that already has galleries (WIX_ALLOW_EXISTING_GALLERIES=1 overrides) and
// deletes the galleries it created, and only those, when it ends. WIX_API_BASE
// points the suite at a stand-in instead of https://www.wixapis.com.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';

import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { proGallery } from '@wix/pro-gallery';

// --- safety: nothing in this suite may reach the real Wix API ------------------

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// The only hosts the SDK may address; they are rewritten to the target (docs/behaviour.md §10).
const WIX_HOST = /(^|\.)(wixapis\.com|wix\.com)$/i;

/** True when the suite runs against real Wix (or a stand-in for it). */
export const REAL = process.env.WIX_PARITY === 'real';

function urlOf(input) {
  if (input instanceof URL) return input;
  if (typeof input === 'string') return new URL(input);
  return new URL(input.url); // a Request
}

const nativeFetch = globalThis.fetch;
/** Every URL the global guard refused, so a test can show that it fired even
 * when the SDK swaps the error for its own "System error occurred". */
export const refused = [];

/** The global fetch, wrapped: any host but loopback is refused. The SDK's token
 * calls use the global fetch, not `createClient({fetch})` (docs/behaviour.md §10), so this
 * catches whatever bypasses the rewrite. */
async function loopbackOnlyFetch(input, init) {
  const url = urlOf(input);
  if (!LOOPBACK.has(url.hostname) && !(REAL && url.origin === TARGET)) {
    refused.push(url.href);
    throw new Error(`sdk suite: refused a request to ${url.origin}: tests may only use loopback`);
  }
  return nativeFetch(input, init);
}
globalThis.fetch = loopbackOnlyFetch;

function fakeUrl() {
  const raw = process.env.FAKEGALLERY_URL;
  if (!raw) {
    throw new Error('set FAKEGALLERY_URL to a running fakegallery, e.g. http://127.0.0.1:5000');
  }
  const url = new URL(raw);
  if (!LOOPBACK.has(url.hostname)) {
    throw new Error(`FAKEGALLERY_URL must be a loopback URL, not ${url.origin}`);
  }
  return url.origin;
}

/** Real Wix (or WIX_API_BASE), checked: credentials given, no network in CI. */
function realUrl() {
  for (const name of ['WIX_API_KEY', 'WIX_SITE_ID']) {
    if (!process.env[name]) throw new Error(`WIX_PARITY=real needs ${name}`);
  }
  const url = new URL(process.env.WIX_API_BASE || 'https://www.wixapis.com');
  if (process.env.CI && !LOOPBACK.has(url.hostname)) {
    throw new Error(`refusing ${url.origin}: never against the network in CI`);
  }
  return url.origin;
}

/** Where the SDK's requests go: the fake, or real Wix in REAL mode. */
export const TARGET = REAL ? realUrl() : fakeUrl();

/** The `fetch` given to createClient: only a Wix host is accepted, then its
 * origin is swapped for the fake's; path and query stay as the SDK built them. */
export function rewritingFetch(calls) {
  return async (input, init = {}) => {
    const url = urlOf(input);
    if (url.protocol !== 'https:' || !WIX_HOST.test(url.hostname)) {
      throw new Error(`sdk suite: refused to rewrite ${url.origin}: not a Wix API host`);
    }
    const headers = new Headers(init.headers);
    calls.push({
      method: init.method ?? 'GET',
      host: url.hostname,
      path: url.pathname,
      query: url.search,
      headers: Object.fromEntries(headers.entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const response = await globalThis.fetch(TARGET + url.pathname + url.search, init);
    if (REAL) pending.push(track(init.method ?? 'GET', url.pathname, response.clone()));
    // the raw REST answer, before the SDK's transforms, for tests that look at it
    calls.at(-1).response = await response.clone().json().catch(() => undefined);
    return response;
  };
}

// --- REAL mode: the site guard and the galleries this run created -------------------

/** Gallery ids this process created on the real site (and not yet deleted). */
const created = new Set();
const pending = [];

async function track(method, path, response) {
  if (response.status !== 200) return;
  if (method === 'POST' && /\/v2\/galleries$/.test(path)) {
    const body = await response.json();
    if (body?.gallery?.id) created.add(body.gallery.id);
  } else if (method === 'DELETE' && /\/v2\/galleries\/[^/]+$/.test(path)) {
    created.delete(path.split('/').at(-1));
  }
}

async function rest(method, path) {
  const headers = { authorization: API_KEY, 'wix-site-id': process.env.WIX_SITE_ID };
  return globalThis.fetch(`${TARGET}/progallery/v2${path}`, { method, headers });
}

async function refuseBusySite() {
  const listed = await (await rest('GET', '/galleries?limit=1')).json();
  const count = listed.totalGalleries ?? 0;
  if (count > 0 && process.env.WIX_ALLOW_EXISTING_GALLERIES !== '1') {
    throw new Error(
      `site ${process.env.WIX_SITE_ID} already has ${count} galleries: use an empty test site ` +
        '(or WIX_ALLOW_EXISTING_GALLERIES=1; only galleries this suite created are deleted)',
    );
  }
}

async function deleteWhatWeCreated() {
  await Promise.allSettled(pending);
  for (const id of [...created].reverse()) {
    const answer = await rest('DELETE', `/galleries/${id}`);
    if (answer.status === 200 || answer.status === 404) created.delete(id);
  }
}

let hooked = false;
function hookRealRun() {
  if (hooked) return;
  hooked = true;
  after(deleteWhatWeCreated);
}

// --- clients --------------------------------------------------------------------

export const API_KEY = REAL ? process.env.WIX_API_KEY : 'sdk-suite-key';

// Before any test file writes anything: a busy site stops the file from loading.
if (REAL) await refuseBusySite();

/** A client of the official SDK on a fresh random site, so test files never see
 * each other's galleries (in REAL mode: the one test site, guarded and cleaned
 * up). `calls` records what the SDK sent. */
export function setup() {
  if (REAL) hookRealRun();
  const siteId = REAL ? process.env.WIX_SITE_ID : randomUUID();
  const calls = [];
  const client = createClient({
    modules: { proGallery },
    auth: ApiKeyStrategy({ apiKey: API_KEY, siteId }),
    fetch: rewritingFetch(calls),
  });
  return { pg: client.proGallery, siteId, calls };
}

// --- media the SDK takes as strings (docs/behaviour.md §13.3) -----------------------------------

export const IMAGE_ID = '11062b_12703ed9a6574547bcaed22b1ce44eef~mv2.jpeg';
export const IMAGE = `wix:image://v1/${IMAGE_ID}/sunset.jpeg#originWidth=6446&originHeight=4298`;
export const BARE_IMAGE_ID = 'c55f98ed1a97626a07ba65d13654d039.jpg';
export const BARE_IMAGE = `wix:image://v1/${BARE_IMAGE_ID}#originWidth=800&originHeight=600`;
export const SPACED_IMAGE_ID = '11062b_0a1b2c3d4e5f40718293a4b5c6d7e8f9~mv2.png';
export const SPACED_IMAGE = `wix:image://v1/${SPACED_IMAGE_ID}/link%20target.png#originWidth=1200&originHeight=900`;
export const VIDEO_ID = '11062b_7c7b1a8e2b7b4c2f8f0c7b6a1e2d3c4b';
export const POSTER_ID = `${VIDEO_ID}f000.jpg`;
export const WIX_VIDEO = `wix:video://v1/${VIDEO_ID}/clip.mp4#posterUri=${POSTER_ID}&posterWidth=1920&posterHeight=1080`;
export const YOUTUBE = 'https://www.youtube.com/watch?v=dQw4w9WgXcQ';
export const VIMEO = 'https://vimeo.com/76979871';

export function imageItem(title, imageInfo = IMAGE, extra = {}) {
  return { title, image: { imageInfo }, ...extra };
}

export function textItem(title, html = '<p>Hello <b>gallery</b></p>') {
  return { title, text: { html, css: { backgroundColor: '#ffffff', textVerticalAlignment: 'middle' } } };
}

/** Split a `wix:image://v1/<id>[/<name>]#originWidth=W&originHeight=H` string. */
export function parseWixImage(value) {
  assert.equal(typeof value, 'string', `imageInfo should be a wix:image string, got ${JSON.stringify(value)}`);
  const match = /^wix:image:\/\/v1\/([^/#]+)(?:\/([^#]*))?#originWidth=(\d+)&originHeight=(\d+)$/.exec(value);
  assert.ok(match, `not a wix:image URL: ${value}`);
  return { id: match[1], name: match[2], width: Number(match[3]), height: Number(match[4]) };
}

/** Split a `wix:video://v1/<id>/<file>#posterUri=..&posterWidth=..&posterHeight=..` string. */
export function parseWixVideo(value) {
  assert.equal(typeof value, 'string', `videoInfo should be a string, got ${JSON.stringify(value)}`);
  const match = /^wix:video:\/\/v1\/([^/#]+)\/([^#]*)#posterUri=([^&]+)&posterWidth=(\d+)&posterHeight=(\d+)$/.exec(value);
  assert.ok(match, `not a wix:video URL: ${value}`);
  return {
    id: match[1],
    filename: match[2],
    posterId: match[3],
    posterWidth: Number(match[4]),
    posterHeight: Number(match[5]),
  };
}

/** A real, parsed Date (the SDK turns RFC3339 strings into Dates; a bad string
 * would become an Invalid Date without any error, docs/behaviour.md §13.1). */
export function assertDate(value, what) {
  assert.ok(value instanceof Date, `${what} should be a Date, got ${typeof value}: ${value}`);
  assert.ok(!Number.isNaN(value.getTime()), `${what} is an Invalid Date`);
  // within a day of now: the fake runs on the wall clock in this suite
  assert.ok(Math.abs(value.getTime() - Date.now()) < 86_400_000, `${what} is far from now: ${value.toISOString()}`);
}

/** Run `fn`, which must throw the SDK's HTTP error; return that error. */
export async function sdkError(fn) {
  try {
    await fn();
  } catch (error) {
    assert.ok(error.details, `expected an SDK HTTP error with details, got: ${error.stack ?? error}`);
    return error;
  }
  assert.fail('expected the call to throw');
}

/** The SDK's 400: `details.validationError.fieldViolations`, one of them on `field`. */
export function assertViolation(error, field, rule) {
  assert.equal(error.status, 400, `status: ${error.message}`);
  const violations = error.details.validationError?.fieldViolations;
  assert.ok(Array.isArray(violations), `no validationError in ${JSON.stringify(error.details)}`);
  const found = violations.find((v) => v.field === field);
  assert.ok(found, `no violation on ${field}: ${JSON.stringify(violations)}`);
  if (rule) assert.equal(found.violatedRule, rule);
  return found;
}

/** The SDK's non-400: `status` plus `details.applicationError.code`. */
export function assertAppError(error, status, code) {
  assert.equal(error.status, status, `status: ${error.message}`);
  assert.equal(error.details.applicationError?.code, code, JSON.stringify(error.details));
  assert.match(error.requestId ?? '', /\S/, 'error.requestId should carry x-wix-request-id');
}
