/**
 * The arithmetic of rotating and cropping a scan: quarter turns and a crop rectangle with
 * handles, in the pixels of the rotated image. Pure functions; the canvas work is in imageEdit.ts.
 */

export type QuarterTurn = 0 | 90 | 180 | 270;

/** Rotation after turning `by` degrees (a multiple of 90, either direction). */
export function turn(current: QuarterTurn, by: number): QuarterTurn {
  const quarters = Math.round(by / 90);
  return (((((current / 90 + quarters) % 4) + 4) % 4) * 90) as QuarterTurn;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The image's size once rotated (a quarter turn swaps width and height). */
export function rotatedSize(size: Size, rotation: QuarterTurn): Size {
  return rotation === 90 || rotation === 270 ? { width: size.height, height: size.width } : size;
}

export interface CropRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type CropHandle = 'move' | 'nw' | 'ne' | 'sw' | 'se';

/** Smallest crop side, in image pixels. */
export const MIN_CROP = 16;

export function fullCrop(size: Size): CropRect {
  return { x: 0, y: 0, width: size.width, height: size.height };
}

/** Keeps a rectangle inside the image and at least `min` pixels on each side (whole pixels). */
export function clampCrop(rect: CropRect, bounds: Size, min = MIN_CROP): CropRect {
  const minW = Math.min(min, bounds.width);
  const minH = Math.min(min, bounds.height);
  const width = Math.round(Math.min(Math.max(rect.width, minW), bounds.width));
  const height = Math.round(Math.min(Math.max(rect.height, minH), bounds.height));
  const x = Math.round(Math.min(Math.max(rect.x, 0), bounds.width - width));
  const y = Math.round(Math.min(Math.max(rect.y, 0), bounds.height - height));
  return { x, y, width, height };
}

/**
 * Drags a handle by (dx, dy) image pixels. 'move' shifts the whole rectangle (stopping at the
 * edges without changing its size); a corner moves only its two edges and never crosses the
 * opposite corner (the rectangle keeps at least `min` pixels).
 */
export function dragCrop(
  start: CropRect,
  handle: CropHandle,
  dx: number,
  dy: number,
  bounds: Size,
  min = MIN_CROP,
): CropRect {
  if (handle === 'move') {
    const x = Math.min(Math.max(start.x + dx, 0), bounds.width - start.width);
    const y = Math.min(Math.max(start.y + dy, 0), bounds.height - start.height);
    return clampCrop({ ...start, x, y }, bounds, min);
  }
  let left = start.x;
  let top = start.y;
  let right = start.x + start.width;
  let bottom = start.y + start.height;
  if (handle === 'nw' || handle === 'sw') left = Math.min(Math.max(left + dx, 0), right - min);
  if (handle === 'ne' || handle === 'se')
    right = Math.max(Math.min(right + dx, bounds.width), left + min);
  if (handle === 'nw' || handle === 'ne') top = Math.min(Math.max(top + dy, 0), bottom - min);
  if (handle === 'sw' || handle === 'se')
    bottom = Math.max(Math.min(bottom + dy, bounds.height), top + min);
  return clampCrop({ x: left, y: top, width: right - left, height: bottom - top }, bounds, min);
}

/** Moves a rectangle by a keyboard step (arrow keys), kept inside the image. */
export function nudgeCrop(
  rect: CropRect,
  handle: CropHandle,
  dx: number,
  dy: number,
  bounds: Size,
): CropRect {
  return dragCrop(rect, handle, dx, dy, bounds);
}

/** Scales a crop rectangle between display pixels and image pixels. */
export function scaleCrop(rect: CropRect, factor: number): CropRect {
  return {
    x: rect.x * factor,
    y: rect.y * factor,
    width: rect.width * factor,
    height: rect.height * factor,
  };
}

/** Whether the crop covers the whole image (nothing to cut). */
export function isFullCrop(rect: CropRect, bounds: Size): boolean {
  return (
    rect.x === 0 && rect.y === 0 && rect.width === bounds.width && rect.height === bounds.height
  );
}

/**
 * The canvas transform that draws the source image rotated by `rotation`: translate to (tx, ty),
 * then rotate. Drawing the source at (0, 0) afterwards fills a canvas of `rotatedSize`.
 */
export function rotationTransform(
  source: Size,
  rotation: QuarterTurn,
): { tx: number; ty: number; radians: number } {
  switch (rotation) {
    case 0:
      return { tx: 0, ty: 0, radians: 0 };
    case 90:
      return { tx: source.height, ty: 0, radians: Math.PI / 2 };
    case 180:
      return { tx: source.width, ty: source.height, radians: Math.PI };
    case 270:
      return { tx: 0, ty: source.width, radians: (3 * Math.PI) / 2 };
  }
}

/**
 * Where a source pixel (x, y) lands after the rotation (the centre of the pixel), e.g. for
 * checking that the canvas output is the rotated image.
 */
export function rotatePoint(
  source: Size,
  rotation: QuarterTurn,
  x: number,
  y: number,
): { x: number; y: number } {
  switch (rotation) {
    case 0:
      return { x, y };
    case 90:
      return { x: source.height - 1 - y, y: x };
    case 180:
      return { x: source.width - 1 - x, y: source.height - 1 - y };
    case 270:
      return { x: y, y: source.width - 1 - x };
  }
}
