// How errors surface through the official SDK: status, details.applicationError,
// details.validationError, requestId (docs/behaviour.md §13.1, 7.3, §7.4).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';

import {
  IMAGE,
  assertAppError,
  assertViolation,
  imageItem,
  sdkError,
  setup,
} from './helpers.mjs';

const { pg } = setup();
let deleted;

before(async () => {
  deleted = await pg.createGallery({ gallery: { name: 'acc doomed', items: [imageItem('x')] } });
  await pg.deleteGallery(deleted._id);
});

test('a deleted gallery: status 404 and details.applicationError.code', async () => {
  const error = await sdkError(() => pg.getGallery(deleted._id));
  assertAppError(error, 404, 'GALLERY_NOT_FOUND');
  assert.equal(typeof error.details.applicationError.description, 'string');
  assert.equal(error.code, undefined, 'HTTP errors carry the code in details only');
  const body = JSON.parse(error.message);
  assert.equal(body.details.applicationError.code, 'GALLERY_NOT_FOUND');
  assert.equal(error.details.requestId, error.requestId);
});

test('every call on a deleted gallery answers 404 GALLERY_NOT_FOUND', async () => {
  const id = deleted._id;
  const itemId = deleted.items[0]._id;
  const calls = {
    getGallery: () => pg.getGallery(id),
    listGalleryItems: () => pg.listGalleryItems(id),
    getGalleryItem: () => pg.getGalleryItem({ galleryId: id, itemId }),
    updateGallery: () => pg.updateGallery(id, { name: 'x' }),
    deleteGallery: () => pg.deleteGallery(id),
    deleteGalleryItems: () => pg.deleteGalleryItems(id, { itemsIds: [itemId] }),
    bulkDeleteGalleryItems: () => pg.bulkDeleteGalleryItems(id, [itemId]),
    createGalleryItem: () => pg.createGalleryItem(id, imageItem('y')),
    updateGalleryItem: () => pg.updateGalleryItem({ galleryId: id, itemId }, { title: 'z' }),
    deleteGalleryItem: () => pg.deleteGalleryItem({ galleryId: id, itemId }),
    clone: () => pg.createGallery({ cloneFromGalleryId: id }),
  };
  for (const [name, call] of Object.entries(calls)) {
    const error = await sdkError(call);
    assert.equal(error.status, 404, `${name}: ${error.message}`);
    assert.equal(error.details.applicationError.code, 'GALLERY_NOT_FOUND', name);
  }
});

test('a validation error: status 400 and details.validationError.fieldViolations', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc validation' } });
  const noMedia = await sdkError(() => pg.createGalleryItem(gallery._id, { title: 'no media' }));
  const violation = assertViolation(noMedia, 'item', 'ONE_OF');
  assert.match(violation.description, /exactly one of image, video or text/);
  assert.match(JSON.parse(noMedia.message).message, /^INVALID_ARGUMENT: "item" /);
  assert.match(noMedia.requestId, /\S/);

  const quality = await sdkError(() =>
    pg.createGalleryItem(gallery._id, { title: 'q', image: { imageInfo: IMAGE, quality: 101 } }));
  assertViolation(quality, 'item.image.quality', 'MAX');

  const badId = await sdkError(() => pg.getGallery('not-a-guid'));
  assertViolation(badId, 'galleryId', 'FORMAT');

  const paging = await sdkError(() => pg.getGallery(gallery._id, { itemLimit: 0 }));
  assertViolation(paging, 'options.itemLimit', 'MIN');

  const emptyBulk = await sdkError(() => pg.bulkDeleteGalleryItems(gallery._id, []));
  assertViolation(emptyBulk, 'itemIds', 'MIN_SIZE');
});

test('a duplicate item sortOrder: 409 DUPLICATE_SORT_ORDER, nothing written', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc duplicates' } });
  const first = await pg.createGalleryItem(gallery._id, imageItem('first', undefined, { sortOrder: 5 }));
  assert.equal(first.sortOrder, 5);
  const error = await sdkError(() => pg.createGalleryItem(gallery._id, imageItem('second', undefined, { sortOrder: 5 })));
  assertAppError(error, 409, 'DUPLICATE_SORT_ORDER');
  const after = await pg.getGallery(gallery._id);
  assert.equal(after.totalItems, 1);
});
