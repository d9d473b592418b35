/** The signed declaration's PDF in the committee's file: print or save it (audited), when it is on this laptop. */
import { Loader, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Declaration } from '../../../../shared/schema';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { readDeclarationFile } from '../declaration/attachments';
import { PdfActions } from '../declaration/PdfActions';

export function CommitteeDeclarationPdf({ declaration }: { declaration: Declaration }) {
  const { t } = useTranslation();
  const { db, dataKey } = useServices();
  const actor = useActor();
  const fileId = declaration.pdfAttachmentId;
  const [pdf, setPdf] = useState<{ key: string; bytes: Uint8Array | null } | null>(null);
  const key = `${declaration.id}/${fileId ?? ''}`;
  useEffect(() => {
    if (!fileId) return;
    let cancelled = false;
    readDeclarationFile(db, dataKey, declaration.id, fileId).then(
      (bytes) => {
        if (!cancelled) setPdf({ key, bytes });
      },
      (err: unknown) => {
        console.error('reading the declaration PDF failed', err);
        if (!cancelled) setPdf({ key, bytes: null });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [db, dataKey, declaration.id, fileId, key]);

  if (!fileId) return null;
  const current = pdf?.key === key ? pdf : null;
  if (!current) return <Loader size="xs" aria-label={t('committee.loading')} />;
  if (!current.bytes) {
    return (
      <Text size="sm" c="orange.9" data-testid="committee-declaration-pdf-missing">
        {t('committee.declaration.pdfMissing')}
      </Text>
    );
  }
  return (
    <PdfActions
      pdf={current.bytes}
      fileName={`${declaration.reference}.pdf`}
      title={declaration.reference}
      actor={actor}
      audit={{ collectionName: 'declarations', docId: declaration.id, what: 'declaration' }}
      testIdPrefix="committee-declaration-pdf"
    />
  );
}
