// Shared setup of the SDK conformance suite: the fake's URL, the network guards,
// one official SDK client per test file (its own random site), media fixtures.
//
// Run by tests/test_sdk.py with FAKEGALLERY_URL=http://127.0.0.1:PORT. By hand:
//   fakegallery serve --port 0 --no-fixtures   (prints the URL)
//   FAKEGALLERY_URL=http://127.0.0.1:PORT node --test tests/sdk/
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';

import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { proGallery } from '@wix/pro-gallery';

// --- safety: nothing in this suite may reach the real Wix API ------------------

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
// The only hosts the SDK may address; they are rewritten to the fake (docs/behaviour.md §10).
const WIX_HOST = /(^|\.)(wixapis\.com|wix\.com)$/i;

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
  if (!LOOPBACK.has(url.hostname)) {
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

export const FAKE = fakeUrl();

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
    return globalThis.fetch(FAKE + url.pathname + url.search, init);
  };
}

// --- clients --------------------------------------------------------------------

export const API_KEY = 'sdk-suite-key';

/** A client of the official SDK on a fresh random site, so test files never see
 * each other's galleries. `calls` records what the SDK sent. */
export function setup() {
  const siteId = randomUUID();
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
