/** Print or save a PDF the step made; every print is written to the audit trail (who, when, copies). */
import { Alert, Button, Group, NumberInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../services';
import { PlatformError } from '../../platform/types';
import type { Actor } from '../../state/actor';
import { auditEvent } from './records';

interface Props {
  pdf: Uint8Array;
  fileName: string;
  title: string;
  actor: Actor;
  /** What is printed, for the audit trail: collection and record id. */
  audit: { collectionName: string; docId: string; what: string };
  testIdPrefix: string;
}

export function PdfActions({ pdf, fileName, title, actor, audit, testIdPrefix }: Props) {
  const { t } = useTranslation();
  const { platform, db } = useServices();
  const [copies, setCopies] = useState<number>(1);
  const [busy, setBusy] = useState<'print' | 'save' | null>(null);
  // Message keys (translated at render, so they follow a change of language).
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<{ key: string; copies?: number } | null>(null);

  const failure = (e: unknown) => {
    console.error(e);
    setError(e instanceof PlatformError ? e.messageKey : 'declaration.errors.fileAction');
  };

  return (
    <>
      <Group align="flex-end" gap="sm">
        <NumberInput
          label={t('declaration.print.copies')}
          min={1}
          max={10}
          w={120}
          value={copies}
          onChange={(v) => setCopies(typeof v === 'number' && v >= 1 ? Math.min(10, Math.floor(v)) : 1)}
          data-testid={`${testIdPrefix}-copies`}
        />
        <Button
          loading={busy === 'print'}
          disabled={busy !== null}
          data-testid={`${testIdPrefix}-print`}
          onClick={() => {
            setBusy('print');
            setError(null);
            setDone(null);
            platform
              .printPdf(pdf, title)
              .then(() => auditEvent(db, actor, 'print', audit.collectionName, audit.docId, `${audit.what} printed, copies ${copies}`))
              .then(() => setDone({ key: 'declaration.print.printed', copies }))
              .catch(failure)
              .finally(() => setBusy(null));
          }}
        >
          {t('declaration.print.print')}
        </Button>
        <Button
          variant="light"
          loading={busy === 'save'}
          disabled={busy !== null}
          data-testid={`${testIdPrefix}-save`}
          onClick={() => {
            setBusy('save');
            setError(null);
            setDone(null);
            platform
              .saveFile({ suggestedName: fileName, mimeType: 'application/pdf', data: pdf })
              .then(async (r) => {
                if (!r.saved) return;
                await auditEvent(db, actor, 'export', audit.collectionName, audit.docId, `${audit.what} saved as a file`);
                setDone({ key: 'declaration.print.saved' });
              })
              .catch(failure)
              .finally(() => setBusy(null));
          }}
        >
          {t('declaration.print.save')}
        </Button>
      </Group>
      {error ? (
        <Alert color="red" role="alert" mt="xs">
          {t(error)}
        </Alert>
      ) : null}
      {done ? (
        <Alert color="teal" mt="xs" role="status" data-testid={`${testIdPrefix}-done`}>
          {t(done.key, { copies: done.copies })}
        </Alert>
      ) : null}
    </>
  );
}
