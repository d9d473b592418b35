/**
 * Browser-side image work for scans: decoding, rotating by quarter turns and cropping on a
 * canvas (geometry from imageGeometry.ts), and grabbing a frame from the camera.
 */
import {
  rotatedSize,
  rotationTransform,
  type CropRect,
  type QuarterTurn,
  type Size,
} from './imageGeometry';
import type { ScanMimeType } from './scanFile';

export async function decodeImage(
  bytes: Uint8Array<ArrayBuffer>,
  mimeType: ScanMimeType,
): Promise<ImageBitmap> {
  return createImageBitmap(new Blob([bytes], { type: mimeType }));
}

function canvasToBytes(
  canvas: HTMLCanvasElement,
  type: 'image/png' | 'image/jpeg' | 'image/webp',
): Promise<{ bytes: Uint8Array<ArrayBuffer>; mimeType: ScanMimeType }> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) => {
        if (!blob) {
          reject(new Error('canvas.toBlob produced nothing'));
          return;
        }
        // Some browsers fall back to PNG for a type they cannot encode: record what was produced.
        const produced =
          blob.type === 'image/jpeg' || blob.type === 'image/webp' ? blob.type : 'image/png';
        void blob
          .arrayBuffer()
          .then((buffer) => resolve({ bytes: new Uint8Array(buffer), mimeType: produced }), reject);
      },
      type,
      type === 'image/png' ? undefined : 0.92,
    );
  });
}

/** The image turned by `rotation` then cut to `crop` (in rotated-image pixels), re-encoded in its own format. */
export async function renderEdited(
  image: ImageBitmap,
  rotation: QuarterTurn,
  crop: CropRect,
  type: ScanMimeType,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; mimeType: ScanMimeType }> {
  const source: Size = { width: image.width, height: image.height };
  const turned = rotatedSize(source, rotation);
  const rotated = document.createElement('canvas');
  rotated.width = turned.width;
  rotated.height = turned.height;
  const rctx = rotated.getContext('2d');
  if (!rctx) throw new Error('no 2d canvas');
  const { tx, ty, radians } = rotationTransform(source, rotation);
  rctx.translate(tx, ty);
  rctx.rotate(radians);
  rctx.drawImage(image, 0, 0);
  const out = document.createElement('canvas');
  out.width = crop.width;
  out.height = crop.height;
  const octx = out.getContext('2d');
  if (!octx) throw new Error('no 2d canvas');
  octx.drawImage(rotated, crop.x, crop.y, crop.width, crop.height, 0, 0, crop.width, crop.height);
  return canvasToBytes(out, type === 'application/pdf' ? 'image/png' : type);
}

/** The current camera frame as a JPEG. */
export function captureFrame(
  video: HTMLVideoElement,
): Promise<{ bytes: Uint8Array<ArrayBuffer>; mimeType: ScanMimeType }> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) return Promise.reject(new Error('no 2d canvas'));
  ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvasToBytes(canvas, 'image/jpeg');
}

export type CameraProblem = 'denied' | 'no_camera' | 'busy' | 'unsupported' | 'failed';

/** Classifies a getUserMedia failure so the message says what to do next. */
export function cameraProblemOf(err: unknown): CameraProblem {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError')
    return 'denied';
  if (
    name === 'NotFoundError' ||
    name === 'OverconstrainedError' ||
    name === 'DevicesNotFoundError'
  )
    return 'no_camera';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError')
    return 'busy';
  if (name === 'TypeError') return 'unsupported';
  return 'failed';
}

/** Opens the laptop camera (video only, never the microphone). */
export async function openCamera(): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new TypeError('getUserMedia is not available');
  }
  return navigator.mediaDevices.getUserMedia({
    video: { width: { ideal: 1920 }, height: { ideal: 1080 }, facingMode: 'environment' },
    audio: false,
  });
}
