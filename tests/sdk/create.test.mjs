// createGallery (plain, empty, every media kind, clone) and createGalleryItem
// through the official SDK (docs/behaviour.md §13.2, §3, §5.5, §5.10, §6.4).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BARE_IMAGE,
  BARE_IMAGE_ID,
  IMAGE,
  IMAGE_ID,
  POSTER_ID,
  SPACED_IMAGE,
  VIDEO_ID,
  VIMEO,
  WIX_VIDEO,
  YOUTUBE,
  assertDate,
  assertViolation,
  imageItem,
  parseWixImage,
  parseWixVideo,
  sdkError,
  setup,
  textItem,
} from './helpers.mjs';

const { pg, calls } = setup();

function assertItemBasics(item, type) {
  assert.equal(item.type, type);
  assert.match(item._id, /^[0-9a-f-]{36}$/);
  assert.equal(item.id, undefined, 'the SDK renames id to _id');
  assertDate(item._createdDate, 'item._createdDate');
  assertDate(item._updatedDate, 'item._updatedDate');
  assert.equal(typeof item.sortOrder, 'number');
}

test('createGallery with a name: the unwrapped gallery, a Date, no items', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc plain' } });
  assert.equal(gallery.name, 'acc plain');
  assert.match(gallery._id, /^[0-9a-f-]{36}$/);
  assertDate(gallery._createdDate, 'gallery._createdDate');
  assert.equal(gallery._updatedDate, undefined, 'a gallery has no updatedDate (docs/behaviour.md §4.1)');
  assert.equal(gallery.totalItems, 0);
  assert.deepEqual(gallery.items, []);
  assert.equal(typeof gallery.sortOrder, 'number');
  const sent = calls.at(-1);
  assert.equal(sent.method, 'POST');
  assert.equal(sent.path, '/progallery/v2/galleries');
  assert.deepEqual(sent.body, { gallery: { name: 'acc plain' } });
});

test('createGallery() with no arguments and with an empty gallery', async () => {
  const bare = await pg.createGallery();
  assert.deepEqual(calls.at(-1).body, {});
  assert.equal(bare.totalItems, 0);
  assert.equal(bare.name, undefined);
  const empty = await pg.createGallery({ gallery: {} });
  assert.deepEqual(calls.at(-1).body, { gallery: {} });
  assert.notEqual(empty._id, bare._id);
  assert.ok(empty.sortOrder > bare.sortOrder, 'default gallery sortOrders increase (docs/behaviour.md §6.1)');
});

test('createGallery with items of every media kind round-trips them', async () => {
  const gallery = await pg.createGallery({
    gallery: {
      name: 'acc with-items',
      items: [
        imageItem('Sunset', IMAGE, {
          description: 'over the sea',
          tags: { values: ['sun', 'sky'] },
          image: { imageInfo: IMAGE, focalPoint: { x: 0.25, y: 0.75 } },
        }),
        imageItem('No filename', BARE_IMAGE),
        imageItem('Spaced filename', SPACED_IMAGE, {
          link: { text: 'Visit example', url: 'https://example.com/page?x=1' },
        }),
        { title: 'YouTube video', video: { videoInfo: YOUTUBE } },
        { title: 'Vimeo video', video: { videoInfo: VIMEO } },
        { title: 'Wix video', video: { type: 'WIX_MEDIA', videoInfo: WIX_VIDEO, durationInMillis: 5000 } },
        textItem('Text'),
        { title: 'Link only', text: { html: '<p>see</p>' }, link: { text: 'Go', url: 'https://example.com/' } },
      ],
    },
  });
  assert.equal(gallery.totalItems, 8);
  assert.equal(gallery.items.length, 8, 'create returns every created item (docs/behaviour.md §6.3)');
  const [sunset, bare, spaced, youtube, vimeo, wixVideo, text, linkOnly] = gallery.items;
  assert.deepEqual(
    gallery.items.map((i) => i.title),
    ['Sunset', 'No filename', 'Spaced filename', 'YouTube video', 'Vimeo video', 'Wix video', 'Text', 'Link only'],
    'items keep the request order (docs/behaviour.md §6.3)',
  );
  const orders = gallery.items.map((i) => i.sortOrder);
  assert.deepEqual([...orders].sort((a, b) => a - b), orders, 'default sortOrders increase');
  assert.equal(new Set(orders).size, orders.length);

  assertItemBasics(sunset, 'IMAGE');
  assert.equal(sunset.image.imageInfo, IMAGE, 'wix:image with a filename round-trips exactly');
  assert.deepEqual(parseWixImage(sunset.image.imageInfo), {
    id: IMAGE_ID, name: 'sunset.jpeg', width: 6446, height: 4298,
  });
  assert.equal(sunset.image.type, 'WIX_MEDIA');
  assert.deepEqual(sunset.image.focalPoint, { x: 0.25, y: 0.75 });
  assert.deepEqual(sunset.tags, { values: ['sun', 'sky'] });
  assert.equal(sunset.description, 'over the sea');

  // docs/behaviour.md §13.3: the SDK sends altText/filename "undefined"; the fake drops them,
  // so the name segment stays out instead of becoming "/undefined".
  assertItemBasics(bare, 'IMAGE');
  assert.equal(bare.image.imageInfo, BARE_IMAGE);
  assert.deepEqual(parseWixImage(bare.image.imageInfo), {
    id: BARE_IMAGE_ID, name: undefined, width: 800, height: 600,
  });

  assert.equal(spaced.image.imageInfo, SPACED_IMAGE, 'a URI-encoded filename is decoded and re-encoded');
  assert.deepEqual(spaced.link, { text: 'Visit example', url: 'https://example.com/page?x=1' });

  assertItemBasics(youtube, 'VIDEO');
  assert.equal(youtube.video.type, 'YOUTUBE', 'video.type is derived from the URL');
  assert.equal(youtube.video.videoInfo, YOUTUBE, 'an external video comes back as its URL');
  assert.equal(vimeo.video.type, 'VIMEO');
  assert.equal(vimeo.video.videoInfo, VIMEO);

  assertItemBasics(wixVideo, 'VIDEO');
  assert.equal(wixVideo.video.type, 'WIX_MEDIA');
  assert.equal(wixVideo.video.videoInfo, WIX_VIDEO, 'wix:video round-trips exactly');
  assert.deepEqual(parseWixVideo(wixVideo.video.videoInfo), {
    id: VIDEO_ID, filename: 'clip.mp4', posterId: POSTER_ID, posterWidth: 1920, posterHeight: 1080,
  });
  assert.equal(wixVideo.video.durationInMillis, 5000);

  assertItemBasics(text, 'TEXT');
  assert.deepEqual(text.text, {
    html: '<p>Hello <b>gallery</b></p>',
    css: { backgroundColor: '#ffffff', textVerticalAlignment: 'middle' },
  });
  assert.equal(text.image, undefined);
  assertItemBasics(linkOnly, 'TEXT');
  assert.deepEqual(linkOnly.link, { text: 'Go', url: 'https://example.com/' });
});

test('createGalleryItem: each media kind, returned as the unwrapped item', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc items' } });
  const image = await pg.createGalleryItem(gallery._id, imageItem('Photo'));
  assertItemBasics(image, 'IMAGE');
  assert.equal(image.image.imageInfo, IMAGE);
  const sent = calls.at(-1);
  assert.equal(sent.path, `/progallery/v2/galleries/${gallery._id}/items`);
  assert.equal(sent.body.galleryId, gallery._id, 'the SDK repeats the path id in the body');
  assert.equal(sent.body.item.image.imageInfo.url, IMAGE, 'the SDK sends the wix:image string as url');

  const video = await pg.createGalleryItem(gallery._id, { title: 'Clip', video: { videoInfo: WIX_VIDEO } });
  assert.equal(video.video.type, 'WIX_MEDIA', 'a Wix media video without a type gets WIX_MEDIA');
  assert.equal(video.video.videoInfo, WIX_VIDEO);
  const youtube = await pg.createGalleryItem(gallery._id, { video: { videoInfo: YOUTUBE } });
  assert.equal(youtube.video.type, 'YOUTUBE');
  const text = await pg.createGalleryItem(gallery._id, textItem('Words'));
  assert.equal(text.type, 'TEXT');
  assert.equal(text.text.css.textVerticalAlignment, 'middle');

  const after = await pg.getGallery(gallery._id);
  assert.equal(after.totalItems, 4);
  assert.deepEqual(after.items.map((i) => i._id), [image._id, video._id, youtube._id, text._id]);
});

test('a YouTube item: Wix\'s resolution and poster on the wire, the URL in the SDK', async () => {
  // docs/behaviour.md §4.4: one resolution, one Wix-hosted poster; dashboard code
  // reads videoInfo.posters[0].url unconditionally
  const gallery = await pg.createGallery({ gallery: { name: 'acc youtube' } });
  const item = await pg.createGalleryItem(gallery._id, { title: 'yt', video: { videoInfo: YOUTUBE } });
  assert.equal(item.video.videoInfo, YOUTUBE, 'the SDK converts the answer to the URL, no error');
  const raw = calls.at(-1).response.item.video.videoInfo;
  assert.equal(raw.id, '');
  assert.deepEqual(raw.resolutions, [
    { url: YOUTUBE, height: 0, width: 0, format: 'Youtube', quality: null, filename: null },
  ]);
  assert.equal(raw.posters.length, 1);
  const [poster] = raw.posters;
  assert.match(poster.id, /^[0-9a-f]{6}_[0-9a-f]{32}~mv2\.jpg$/);
  assert.equal(poster.url, `https://static.wixstatic.com/media/${poster.id}`);
  assert.equal(new URL(poster.url).protocol, 'https:');
  assert.deepEqual([poster.width, poster.height, poster.filename], [1280, 720, poster.id]);
  const again = await pg.getGalleryItem({ galleryId: gallery._id, itemId: item._id });
  assert.equal(again.video.videoInfo, YOUTUBE);
  assert.equal(again.video.type, 'YOUTUBE');
});

test('an https:// image is rejected: the SDK sends it without an id', async () => {
  const gallery = await pg.createGallery({ gallery: { name: 'acc external' } });
  const error = await sdkError(() =>
    pg.createGalleryItem(gallery._id, imageItem('External', 'https://example.com/ext.jpg')));
  assert.deepEqual(calls.at(-1).body.item.image, { imageInfo: { url: 'https://example.com/ext.jpg' } });
  assertViolation(error, 'item.image.imageInfo.id', 'REQUIRED_FIELD');
  assert.match(JSON.parse(error.message).message, /^INVALID_ARGUMENT: /);

  const inGallery = await sdkError(() =>
    pg.createGallery({ gallery: { items: [imageItem('ok'), imageItem('bad', 'https://example.com/x.png')] } }));
  // the SDK renames field paths to its argument names (docs/behaviour.md §7.3)
  assertViolation(inGallery, 'options.gallery.items[1].image.imageInfo.id', 'REQUIRED_FIELD');
  const after = await pg.getGallery(gallery._id);
  assert.equal(after.totalItems, 0, 'a rejected write leaves the store unchanged');
});

test('createGallery({cloneFromGalleryId}) copies name and item content with new ids', async () => {
  const source = await pg.createGallery({
    gallery: {
      name: 'acc clone source',
      items: [imageItem('One', IMAGE), { title: 'Two', video: { videoInfo: YOUTUBE } }, textItem('Three')],
    },
  });
  const clone = await pg.createGallery({ cloneFromGalleryId: source._id });
  assert.deepEqual(calls.at(-1).body, { cloneFromGalleryId: source._id });
  assert.notEqual(clone._id, source._id);
  assert.equal(clone.name, 'acc clone source');
  assert.equal(clone.totalItems, 3);
  assert.equal(clone.items.length, 3);
  assertDate(clone._createdDate, 'clone._createdDate');
  const sourceIds = new Set(source.items.map((i) => i._id));
  for (const [index, copy] of clone.items.entries()) {
    const original = source.items[index];
    assert.ok(!sourceIds.has(copy._id), 'clone items get new ids');
    assert.equal(copy.title, original.title);
    assert.equal(copy.type, original.type);
    assert.deepEqual(copy.image, original.image);
    assert.deepEqual(copy.video, original.video);
    assert.deepEqual(copy.text, original.text);
    assert.ok(copy.sortOrder > source.items.at(-1).sortOrder, 'clone items get new sortOrders');
  }
  assert.equal(clone.items[0].image.imageInfo, IMAGE);
  const untouched = await pg.getGallery(source._id);
  assert.deepEqual(untouched.items.map((i) => i._id), source.items.map((i) => i._id));
});
