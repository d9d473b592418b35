/** A document's scan in the committee's read-only file: a thumbnail that opens it large. */
import { Modal } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BeneficiaryDocument } from '../../../../shared/schema';
import { ScanThumb } from '../documents/ScanThumb';
import { useScanUrl } from '../documents/useScanUrl';

export function CommitteeScan({ document }: { document: BeneficiaryDocument }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const view = useScanUrl(document.id, document.attachment);
  return (
    <>
      <ScanThumb document={document} onOpen={() => setOpen(true)} />
      <Modal opened={open && view.state === 'ready'} onClose={() => setOpen(false)} title={t('committee.documents.scanTitle')} size="xl" centered>
        {view.state === 'ready' && view.mimeType !== 'application/pdf' ? (
          <img src={view.url} alt={t('committee.documents.scanTitle')} data-testid="committee-scan-large" style={{ inlineSize: '100%', blockSize: 'auto', display: 'block' }} />
        ) : null}
      </Modal>
    </>
  );
}
