// deleteGallery, deleteGalleryItems (deprecated), bulkDeleteGalleryItems and
// deleteGalleryItem through the official SDK (docs/behaviour.md §13.2, 5.7–§5.9, §5.12).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertAppError, imageItem, sdkError, setup, textItem } from './helpers.mjs';

const { pg, calls } = setup();

async function galleryWith(name, count) {
  const items = Array.from({ length: count }, (_, n) => (n % 2 ? textItem(`t${n}`) : imageItem(`i${n}`)));
  return pg.createGallery({ gallery: { name, items } });
}

test('deleteGallery returns {galleryId} and the gallery is gone', async () => {
  const keep = await galleryWith('acc keep', 1);
  const gone = await galleryWith('acc gone', 2);
  const result = await pg.deleteGallery(gone._id);
  const sent = calls.at(-1);
  assert.equal(sent.method, 'DELETE');
  assert.equal(sent.query, `?galleryId=${gone._id}`);
  assert.deepEqual(result, { galleryId: gone._id });
  const listed = await pg.listGalleries();
  assert.deepEqual(listed.galleries.map((g) => g._id), [keep._id]);
  assert.equal(listed.totalGalleries, 1);
  const error = await sdkError(() => pg.getGalleryItem({ galleryId: gone._id, itemId: gone.items[0]._id }));
  assertAppError(error, 404, 'GALLERY_NOT_FOUND');
});

test('deleteGalleryItems(id, {itemsIds}) returns the gallery after the deletion', async () => {
  const gallery = await galleryWith('acc deprecated delete', 4);
  const [a, b, c, d] = gallery.items.map((i) => i._id);
  const result = await pg.deleteGalleryItems(gallery._id, { itemsIds: [a, c] });
  assert.equal(calls.at(-1).query, `?galleryId=${gallery._id}&itemsIds=${a}&itemsIds=${c}`);
  assert.equal(result.gallery._id, gallery._id);
  assert.equal(result.gallery.totalItems, 2);
  assert.deepEqual(result.gallery.items.map((i) => i._id), [b, d]);
  assert.ok(result.gallery._createdDate instanceof Date);
});

test('bulkDeleteGalleryItems(id, ids) returns {itemIds} of the deleted items', async () => {
  const gallery = await galleryWith('acc bulk delete', 3);
  const [a, b, c] = gallery.items.map((i) => i._id);
  const result = await pg.bulkDeleteGalleryItems(gallery._id, [a, c]);
  const sent = calls.at(-1);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.path, `/progallery/v2/galleries/${gallery._id}/items/delete`);
  assert.deepEqual(sent.body, { galleryId: gallery._id, itemIds: [a, c] });
  assert.deepEqual(result, { itemIds: [a, c] });
  const left = await pg.listGalleryItems(gallery._id);
  assert.deepEqual(left.items.map((i) => i._id), [b]);
});

test('deleteGalleryItem returns {itemId}; the item then answers 404', async () => {
  const gallery = await galleryWith('acc single delete', 2);
  const [a, b] = gallery.items.map((i) => i._id);
  const result = await pg.deleteGalleryItem({ galleryId: gallery._id, itemId: a });
  assert.equal(calls.at(-1).query, `?galleryId=${gallery._id}&itemId=${a}`);
  assert.deepEqual(result, { itemId: a });
  const after = await pg.getGallery(gallery._id);
  assert.equal(after.totalItems, 1);
  assert.deepEqual(after.items.map((i) => i._id), [b]);
  const error = await sdkError(() => pg.getGalleryItem({ galleryId: gallery._id, itemId: a }));
  assertAppError(error, 404, 'ITEM_NOT_FOUND');
});
