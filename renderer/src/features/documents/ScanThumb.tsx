/** A document's stored scan as a small picture (or a PDF badge); clicking opens it large. */
import { Badge, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BeneficiaryDocument } from '../../../../shared/schema';
import { useScanUrl } from './useScanUrl';

export function ScanThumb({
  document,
  onOpen,
}: {
  document: BeneficiaryDocument;
  onOpen?: () => void;
}) {
  const { t } = useTranslation();
  const view = useScanUrl(document.id, document.attachment);
  if (view.state === 'none')
    return (
      <Text size="xs" c="gray.7">
        {t('documents.noScan')}
      </Text>
    );
  if (view.state === 'loading')
    return (
      <Text size="xs" c="gray.7">
        {t('documents.loadingScan')}
      </Text>
    );
  if (view.state === 'missing')
    return (
      <Text size="xs" c="orange.9">
        {t('documents.scanNotOnLaptop')}
      </Text>
    );
  const content =
    view.mimeType === 'application/pdf' ? (
      <Badge variant="outline">{t('documents.pdfScan')}</Badge>
    ) : (
      <img
        src={view.url}
        alt={t('documents.scanOf')}
        data-testid="scan-thumb"
        style={{
          blockSize: 96,
          maxInlineSize: 160,
          objectFit: 'contain',
          borderRadius: 4,
          display: 'block',
        }}
      />
    );
  return onOpen ? (
    <UnstyledButton onClick={onOpen} aria-label={t('documents.viewLarge')} data-testid="scan-open">
      {content}
    </UnstyledButton>
  ) : (
    content
  );
}
