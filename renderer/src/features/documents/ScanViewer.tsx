/**
 * A scan viewed large, turned in quarter turns and cropped with a rectangle and four corner
 * handles (mouse, touch or the arrow keys). Saving stores the edited image as the new scan.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  dragCrop,
  fullCrop,
  isFullCrop,
  rotatedSize,
  rotationTransform,
  turn,
  type CropHandle,
  type CropRect,
  type QuarterTurn,
} from './imageGeometry';
import { decodeImage, renderEdited } from './imageEdit';
import type { ScanMimeType } from './scanFile';

type ScanBytes = Uint8Array<ArrayBuffer>;
type Stored = Promise<void>;

/** Mounted while open: each opening starts from the stored scan, unturned and uncropped. */
export interface ScanViewerProps {
  onClose(): void;
  bytes: ScanBytes;
  mimeType: ScanMimeType;
  title: string;
  /** Stores the edited image; resolves when stored (the viewer then closes). */
  onSave(bytes: ScanBytes, mimeType: ScanMimeType): Stored;
}

const handles: readonly Exclude<CropHandle, 'move'>[] = ['nw', 'ne', 'sw', 'se'];
const KEY_STEP = 10;

export function ScanViewer({ onClose, bytes, mimeType, title, onSave }: ScanViewerProps) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [bitmap, setBitmap] = useState<ImageBitmap | null>(null);
  const [failed, setFailed] = useState(false);
  const [rotation, setRotation] = useState<QuarterTurn>(0);
  const [crop, setCrop] = useState<CropRect | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveFailed, setSaveFailed] = useState(false);
  const drag = useRef<{ handle: CropHandle; start: CropRect; x: number; y: number } | null>(null);

  useEffect(() => {
    if (mimeType === 'application/pdf') return;
    let cancelled = false;
    let decoded: ImageBitmap | null = null;
    decodeImage(bytes, mimeType).then(
      (b) => {
        if (cancelled) b.close();
        else {
          decoded = b;
          setBitmap(b);
        }
      },
      () => {
        if (!cancelled) setFailed(true);
      },
    );
    return () => {
      cancelled = true;
      decoded?.close();
    };
  }, [bytes, mimeType]);

  const size = bitmap
    ? rotatedSize({ width: bitmap.width, height: bitmap.height }, rotation)
    : null;

  useEffect(() => {
    const el = canvas.current;
    if (!el || !bitmap || !size) return;
    el.width = size.width;
    el.height = size.height;
    const ctx = el.getContext('2d');
    if (!ctx) return;
    const { tx, ty, radians } = rotationTransform(
      { width: bitmap.width, height: bitmap.height },
      rotation,
    );
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.translate(tx, ty);
    ctx.rotate(radians);
    ctx.drawImage(bitmap, 0, 0);
  }, [bitmap, rotation, size?.width, size?.height]); // eslint-disable-line react-hooks/exhaustive-deps

  function rotate(by: number) {
    setRotation((r) => turn(r, by));
    setCrop(null); // a crop is drawn on the turned image: start it again
  }

  function factor(): number {
    const el = canvas.current;
    return el && size && el.clientWidth > 0 ? size.width / el.clientWidth : 1;
  }

  function onPointerDown(handle: CropHandle, e: PointerEvent<HTMLElement>) {
    if (!crop) return;
    e.stopPropagation();
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { handle, start: crop, x: e.clientX, y: e.clientY };
  }

  function onPointerMove(e: PointerEvent<HTMLElement>) {
    const d = drag.current;
    if (!d || !size) return;
    const f = factor();
    setCrop(dragCrop(d.start, d.handle, (e.clientX - d.x) * f, (e.clientY - d.y) * f, size));
  }

  function onKey(handle: CropHandle, e: KeyboardEvent<HTMLElement>) {
    if (!crop || !size) return;
    const step = Math.max(1, Math.round(KEY_STEP * factor()));
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, -step],
      ArrowDown: [0, step],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    setCrop(dragCrop(crop, handle, m[0], m[1], size));
  }

  async function save() {
    if (!bitmap || !size) return;
    setSaving(true);
    setSaveFailed(false);
    try {
      const edited = await renderEdited(bitmap, rotation, crop ?? fullCrop(size), mimeType);
      await onSave(edited.bytes, edited.mimeType);
      onClose();
    } catch {
      setSaveFailed(true);
    } finally {
      setSaving(false);
    }
  }

  const changed = rotation !== 0 || (crop !== null && size !== null && !isFullCrop(crop, size));
  const pct = (v: number, of: number) => `${(v / of) * 100}%`;

  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      size="90%"
      centered
      closeButtonProps={{ 'aria-label': t('documents.close') }}
    >
      <Stack>
        {mimeType === 'application/pdf' && <Text>{t('documents.viewer.pdf')}</Text>}
        {failed && (
          <Alert color="red" role="alert">
            {t('documents.viewer.decodeFailed')}
          </Alert>
        )}
        {bitmap && size && (
          <>
            <Group gap="xs">
              <Button
                variant="default"
                onClick={() => rotate(-90)}
                data-testid="viewer-rotate-left"
              >
                {t('documents.viewer.rotateLeft')}
              </Button>
              <Button
                variant="default"
                onClick={() => rotate(90)}
                data-testid="viewer-rotate-right"
              >
                {t('documents.viewer.rotateRight')}
              </Button>
              <Button
                variant={crop ? 'filled' : 'default'}
                onClick={() =>
                  setCrop((c) =>
                    c
                      ? null
                      : {
                          x: Math.round(size.width * 0.1),
                          y: Math.round(size.height * 0.1),
                          width: Math.round(size.width * 0.8),
                          height: Math.round(size.height * 0.8),
                        },
                  )
                }
                data-testid="viewer-crop"
                aria-pressed={crop !== null}
              >
                {crop ? t('documents.viewer.cancelCrop') : t('documents.viewer.crop')}
              </Button>
              <Text size="xs" c="gray.7" data-testid="viewer-size">
                {t('documents.viewer.size', {
                  width: crop?.width ?? size.width,
                  height: crop?.height ?? size.height,
                })}
              </Text>
            </Group>
            {crop && (
              <Text size="xs" c="gray.7">
                {t('documents.viewer.cropHelp')}
              </Text>
            )}
            <div
              dir="ltr"
              style={{
                position: 'relative',
                alignSelf: 'center',
                lineHeight: 0,
                overflow: 'hidden',
              }}
            >
              <canvas
                ref={canvas}
                data-testid="viewer-canvas"
                aria-label={title}
                role="img"
                style={{ maxInlineSize: '100%', maxBlockSize: '65vh', display: 'block' }}
              />
              {crop && (
                <div
                  data-testid="crop-box"
                  tabIndex={0}
                  role="group"
                  aria-label={t('documents.viewer.cropBox')}
                  onPointerDown={(e) => onPointerDown('move', e)}
                  onPointerMove={onPointerMove}
                  onPointerUp={() => (drag.current = null)}
                  onKeyDown={(e) => onKey('move', e)}
                  style={{
                    position: 'absolute',
                    insetInlineStart: pct(crop.x, size.width),
                    insetBlockStart: pct(crop.y, size.height),
                    inlineSize: pct(crop.width, size.width),
                    blockSize: pct(crop.height, size.height),
                    outline: '2px solid #fff',
                    boxShadow: '0 0 0 9999px rgba(0,0,0,0.45)',
                    cursor: 'move',
                    touchAction: 'none',
                  }}
                >
                  {handles.map((h) => (
                    <span
                      key={h}
                      tabIndex={0}
                      role="button"
                      aria-label={t(`documents.viewer.handle.${h}`)}
                      data-testid={`crop-handle-${h}`}
                      onPointerDown={(e) => onPointerDown(h, e)}
                      onPointerMove={onPointerMove}
                      onPointerUp={() => (drag.current = null)}
                      onKeyDown={(e) => {
                        e.stopPropagation();
                        onKey(h, e);
                      }}
                      style={{
                        position: 'absolute',
                        inlineSize: 18,
                        blockSize: 18,
                        background: '#fff',
                        border: '2px solid #1c7ed6',
                        borderRadius: 4,
                        insetInlineStart: h.endsWith('w') ? -2 : undefined,
                        insetInlineEnd: h.endsWith('e') ? -2 : undefined,
                        insetBlockStart: h.startsWith('n') ? -2 : undefined,
                        insetBlockEnd: h.startsWith('s') ? -2 : undefined,
                        cursor: h === 'nw' || h === 'se' ? 'nwse-resize' : 'nesw-resize',
                        touchAction: 'none',
                      }}
                    />
                  ))}
                </div>
              )}
            </div>
          </>
        )}
        {saveFailed && (
          <Alert color="red" role="alert">
            {t('documents.viewer.saveFailed')}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('documents.close')}
          </Button>
          {bitmap && (
            <Button
              onClick={() => void save()}
              disabled={!changed}
              loading={saving}
              data-testid="viewer-save"
            >
              {t('documents.viewer.save')}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
