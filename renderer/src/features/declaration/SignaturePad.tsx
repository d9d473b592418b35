/**
 * The applicant's signature on screen: a canvas that follows a mouse, a finger or a pen
 * (Pointer Events, with pen pressure), with undo and clear. Exported as a PNG with a
 * transparent background.
 */
import { Button, Group, Paper, Text } from '@mantine/core';
import { forwardRef, useCallback, useEffect, useImperativeHandle, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

interface Point {
  x: number;
  y: number;
  pressure: number;
}

export interface SignaturePadHandle {
  isEmpty(): boolean;
  /** PNG bytes of the signature (transparent background), or null when nothing is drawn. */
  toPng(): Promise<Uint8Array | null>;
}

interface Props {
  onChange?: (empty: boolean) => void;
  disabled?: boolean;
}

const HEIGHT = 200;

export const SignaturePad = forwardRef<SignaturePadHandle, Props>(function SignaturePad({ onChange, disabled }, ref) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const strokes = useRef<Point[][]>([]);
  const drawing = useRef<Point[] | null>(null);
  const [count, setCount] = useState(0);

  const redraw = useCallback(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#10243e';
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const stroke of [...strokes.current, ...(drawing.current ? [drawing.current] : [])]) {
      if (stroke.length === 1) {
        const p = stroke[0]!;
        ctx.beginPath();
        ctx.arc(p.x, p.y, 1.5, 0, Math.PI * 2);
        ctx.fillStyle = '#10243e';
        ctx.fill();
        continue;
      }
      for (let i = 1; i < stroke.length; i++) {
        const a = stroke[i - 1]!;
        const b = stroke[i]!;
        ctx.beginPath();
        ctx.lineWidth = 1.5 + 2 * (b.pressure || 0.5);
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
        ctx.stroke();
      }
    }
  }, []);

  const resize = useCallback(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(HEIGHT * ratio);
    redraw();
  }, [redraw]);

  useEffect(() => {
    resize();
    const canvas = canvasRef.current;
    if (!canvas || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => resize());
    observer.observe(canvas);
    return () => observer.disconnect();
  }, [resize]);

  const changed = useCallback(() => {
    setCount(strokes.current.length);
    onChange?.(strokes.current.length === 0);
  }, [onChange]);

  const pointOf = (e: React.PointerEvent<HTMLCanvasElement>): Point => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top, pressure: e.pointerType === 'mouse' ? 0.5 : e.pressure };
  };

  useImperativeHandle(
    ref,
    () => ({
      isEmpty: () => strokes.current.length === 0,
      toPng: async () => {
        const canvas = canvasRef.current;
        if (!canvas || strokes.current.length === 0) return null;
        const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
        return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
      },
    }),
    [],
  );

  return (
    <Paper withBorder radius="md" p="xs">
      <Text size="sm" c="dimmed" id="signature-pad-help" mb={4}>
        {t('declaration.signature.help')}
      </Text>
      <canvas
        ref={canvasRef}
        data-testid="signature-pad"
        role="img"
        aria-label={t('declaration.signature.label')}
        aria-describedby="signature-pad-help"
        style={{
          inlineSize: '100%',
          blockSize: HEIGHT,
          touchAction: 'none',
          background: 'repeating-linear-gradient(0deg, transparent 0 159px, #c9d6d3 159px 160px)',
          cursor: disabled ? 'not-allowed' : 'crosshair',
          display: 'block',
        }}
        onPointerDown={(e) => {
          if (disabled || (e.pointerType === 'mouse' && e.button !== 0)) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = [pointOf(e)];
          redraw();
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const events = typeof e.nativeEvent.getCoalescedEvents === 'function' ? e.nativeEvent.getCoalescedEvents() : [];
          const r = e.currentTarget.getBoundingClientRect();
          if (events.length > 0) {
            for (const c of events) drawing.current.push({ x: c.clientX - r.left, y: c.clientY - r.top, pressure: c.pointerType === 'mouse' ? 0.5 : c.pressure });
          } else {
            drawing.current.push(pointOf(e));
          }
          redraw();
        }}
        onPointerUp={() => {
          if (!drawing.current) return;
          strokes.current.push(drawing.current);
          drawing.current = null;
          redraw();
          changed();
        }}
        onPointerCancel={() => {
          drawing.current = null;
          redraw();
        }}
      />
      <Group gap="xs" mt="xs">
        <Button
          variant="default"
          size="xs"
          disabled={disabled || count === 0}
          onClick={() => {
            strokes.current.pop();
            redraw();
            changed();
          }}
          data-testid="signature-undo"
        >
          {t('declaration.signature.undo')}
        </Button>
        <Button
          variant="default"
          size="xs"
          disabled={disabled || count === 0}
          onClick={() => {
            strokes.current = [];
            redraw();
            changed();
          }}
          data-testid="signature-clear"
        >
          {t('declaration.signature.clear')}
        </Button>
      </Group>
    </Paper>
  );
});
