/**
 * Photographing a document with the laptop camera: a live preview and a "take photo" button.
 * Video only (never the microphone). Electron grants the camera to app://sila only; a browser
 * asks the user. A refusal or a missing camera is explained in the user's language.
 * Mounted while open; "try again" starts a fresh attempt.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { cameraProblemOf, captureFrame, openCamera, type CameraProblem } from './imageEdit';
import type { ScanMimeType } from './scanFile';

export interface CameraDialogProps {
  onClose(): void;
  onCapture(bytes: Uint8Array<ArrayBuffer>, mimeType: ScanMimeType): void;
}

export function CameraDialog({ onClose, onCapture }: CameraDialogProps) {
  const { t } = useTranslation();
  const [attempt, setAttempt] = useState(0);
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('documents.camera.title')}
      size="lg"
      centered
      closeButtonProps={{ 'aria-label': t('documents.close') }}
    >
      <CameraAttempt
        key={attempt}
        onClose={onClose}
        onCapture={onCapture}
        onRetry={() => setAttempt((n) => n + 1)}
      />
    </Modal>
  );
}

function CameraAttempt({ onClose, onCapture, onRetry }: CameraDialogProps & { onRetry(): void }) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const el = video.current;
    let stream: MediaStream | null = null;
    let cancelled = false;
    openCamera().then(
      (s) => {
        if (cancelled || !el) {
          s.getTracks().forEach((track) => track.stop());
          return;
        }
        stream = s;
        el.srcObject = s;
        el.play().then(
          () => {
            if (!cancelled) setReady(true);
          },
          () => {
            if (!cancelled) setProblem('failed');
          },
        );
      },
      (err: unknown) => {
        if (!cancelled) setProblem(cameraProblemOf(err));
      },
    );
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((track) => track.stop());
      if (el) el.srcObject = null;
    };
  }, []);

  async function take() {
    const el = video.current;
    if (!el || el.videoWidth === 0) return;
    setBusy(true);
    try {
      const frame = await captureFrame(el);
      onCapture(frame.bytes, frame.mimeType);
      onClose();
    } catch {
      setProblem('failed');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      {problem ? (
        <Alert
          color="red"
          title={t('documents.camera.problemTitle')}
          data-testid="camera-problem"
          role="alert"
        >
          <Stack gap="xs">
            <Text size="sm">{t(`documents.camera.problem.${problem}`)}</Text>
            <Group>
              <Button variant="light" onClick={onRetry}>
                {t('documents.camera.retry')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        !ready && (
          <Text size="sm" c="gray.7">
            {t('documents.camera.starting')}
          </Text>
        )
      )}
      <video
        ref={video}
        muted
        playsInline
        aria-label={t('documents.camera.preview')}
        data-testid="camera-preview"
        style={{
          inlineSize: '100%',
          maxBlockSize: '60vh',
          background: '#111',
          borderRadius: 8,
          display: problem ? 'none' : 'block',
        }}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('documents.cancel')}
        </Button>
        <Button
          onClick={() => void take()}
          disabled={!ready || problem !== null}
          loading={busy}
          data-testid="camera-capture"
        >
          {t('documents.camera.capture')}
        </Button>
      </Group>
    </Stack>
  );
}
