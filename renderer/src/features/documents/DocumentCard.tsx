/**
 * One document on file: its data in both calendars, the app's comparison with the beneficiary
 * data, the expiry as of the submission date, its scan (viewable large, rotatable, croppable)
 * and the employee's verification (verified, or rejected with a reason; who and when recorded).
 */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { documentConsistencyChecks, documentTypeLabel } from '../../../../shared/casefile';
import { formatDualDate } from '../../../../shared/dates';
import type { BeneficiaryDocument } from '../../../../shared/schema';
import { useServices } from '../../services';
import { writeDocument } from './documentWrites';
import type { StepPanelProps } from '../requests/contract';
import {
  expiryStatus,
  prepareDocument,
  recordVerification,
  type VerificationDecision,
  type VerificationMethod,
} from './documentRecord';
import { dateToInputText } from './dateInput';
import { ScanThumb } from './ScanThumb';
import { ScanViewer } from './ScanViewer';
import { removeScan, storeScan } from './scanStore';
import { useScanUrl } from './useScanUrl';

export interface DocumentCardProps extends StepPanelProps {
  document: BeneficiaryDocument;
  referenceAt: string;
  onEdit(): void;
}

const methods: readonly VerificationMethod[] = [
  'original_seen',
  'certified_copy',
  'electronic_check',
];

export function DocumentCard({ file, actor, document, referenceAt, onEdit }: DocumentCardProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const locale = ar ? 'ar' : 'en';
  const { db } = useServices();
  const [method, setMethod] = useState<VerificationMethod>('original_seen');
  const [note, setNote] = useState('');
  const [error, setError] = useState<{ ar: string; en: string } | null>(null);
  const [busy, setBusy] = useState<VerificationDecision | null>(null);
  const [viewerOpen, setViewerOpen] = useState(false);
  const [reopened, setReopened] = useState(false);
  const scan = useScanUrl(document.id, document.attachment);

  const type = documentTypeLabel(file.profile, document.type);
  const issues = documentConsistencyChecks(file.beneficiary, document);
  const expiry = expiryStatus(document, referenceAt);
  const v = document.verification;

  async function decide(decision: VerificationDecision) {
    setBusy(decision);
    setError(null);
    try {
      const result = recordVerification(
        document,
        file.beneficiary,
        decision,
        { method, note },
        { userId: actor.userId, now: new Date(), referenceAt },
      );
      if (!result.ok) {
        setError({ ar: result.messageAr, en: result.messageEn });
        return;
      }
      const saved = await writeDocument(
        db,
        actor,
        result.document,
        decision === 'verified'
          ? 'document verified against the original'
          : 'document rejected at verification',
      );
      if (!saved.ok) setError({ ar: saved.messageAr, en: saved.messageEn });
      else {
        setNote('');
        setReopened(false);
      }
    } finally {
      setBusy(null);
    }
  }

  async function saveEdited(bytes: Uint8Array<ArrayBuffer>) {
    const stored = await storeScan(db, document.id, bytes);
    if (!stored.ok) throw new Error(stored.messageEn);
    const { ok: _ok, ...attachment } = stored;
    const draft = {
      typeId: document.type,
      number: document.number ?? '',
      issueText: document.issueDate ? dateToInputText(document.issueDate) : '',
      issueCalendar: document.issueDate?.calendar ?? 'hijri',
      expiryText: document.expiryDate ? dateToInputText(document.expiryDate) : '',
      expiryCalendar: document.expiryDate?.calendar ?? 'hijri',
    } as const;
    const prepared = prepareDocument(
      draft,
      {
        beneficiary: file.beneficiary,
        request: file.request,
        userId: actor.userId,
        now: new Date(),
        newId: () => document.id,
      },
      document,
      attachment,
    );
    if (!prepared.ok) throw new Error('edited scan: document no longer valid');
    const saved = await writeDocument(db, actor, prepared.document, 'scan rotated or cropped');
    if (!saved.ok) throw new Error(saved.messageEn);
    const replaced = document.attachment?.attachmentId;
    if (replaced && replaced !== attachment.attachmentId)
      await removeScan(db, document.id, replaced);
  }

  const statusColor = v.status === 'verified' ? 'green' : v.status === 'rejected' ? 'red' : 'gray';

  return (
    <Card
      withBorder
      padding="md"
      data-testid="document-card"
      data-document-id={document.id}
      data-status={v.status}
    >
      <Group align="flex-start" wrap="nowrap" gap="md">
        <ScanThumb document={document} onOpen={() => setViewerOpen(true)} />
        <Stack gap={6} style={{ flex: 1 }}>
          <Group gap="xs">
            <Text fw={600}>{ar ? type.ar : type.en}</Text>
            <Badge color={statusColor} variant="light" data-testid="verification-status">
              {t(`documents.verification.${v.status}`)}
            </Badge>
            {expiry?.expired && (
              <Badge color="orange" data-testid="badge-expired">
                {t('documents.flag.expired')}
              </Badge>
            )}
            {issues.some((i) => i.severity === 'mismatch') && (
              <Badge color="red" data-testid="badge-mismatch">
                {t('documents.flag.mismatch')}
              </Badge>
            )}
          </Group>
          <Text size="sm">
            {t('documents.numberLabel')}{' '}
            <span className="sila-ltr-value">{document.number ?? t('documents.none')}</span>
          </Text>
          {document.issueDate && (
            <Text size="sm">
              {t('documents.issuedOn', { date: formatDualDate(document.issueDate, { locale }) })}
            </Text>
          )}
          {document.expiryDate && (
            <Text size="sm">
              {t('documents.expiresOn', { date: formatDualDate(document.expiryDate, { locale }) })}
            </Text>
          )}
          {expiry?.expired && (
            <Alert color="orange" p="xs" data-testid="flag-expired">
              {ar ? expiry.messageAr : expiry.messageEn}
            </Alert>
          )}
          {expiry && !expiry.expired && (
            <Text size="xs" c="gray.7">
              {t('documents.validFor', { days: expiry.daysRemaining })}
            </Text>
          )}
          {issues.map((i) => (
            <Alert
              key={i.code}
              p="xs"
              color={i.severity === 'mismatch' ? 'red' : 'yellow'}
              data-testid={`flag-${i.code}`}
            >
              {ar ? i.messageAr : i.messageEn}
            </Alert>
          ))}
          {v.status !== 'pending' && (
            <Text size="xs" c="gray.7" data-testid="verification-record">
              {t('documents.recordedBy')}{' '}
              <bdi>{v.verifiedBy === actor.userId ? actor.displayName : (v.verifiedBy ?? '')}</bdi>
              {' · '}
              <bdi>
                {v.verifiedAt
                  ? new Date(v.verifiedAt).toLocaleString(
                      ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB',
                    )
                  : ''}
              </bdi>
              {v.method ? ` · ${t(`documents.method.${v.method}`)}` : ''}
            </Text>
          )}
          {v.status === 'rejected' && v.note && (
            <Text size="sm" c="red.8" data-testid="rejection-reason">
              {t('documents.rejectionReason')} <bdi>{v.note}</bdi>
            </Text>
          )}
        </Stack>
        <Button variant="subtle" onClick={onEdit} data-testid="document-edit">
          {t('documents.edit')}
        </Button>
      </Group>

      {v.status !== 'pending' && !reopened ? (
        <Group justify="flex-end" mt="xs">
          <Button
            variant="subtle"
            size="xs"
            onClick={() => setReopened(true)}
            data-testid="verification-change"
          >
            {t('documents.changeResult')}
          </Button>
        </Group>
      ) : (
        <Stack gap="xs" mt="sm" data-testid="verification-panel">
          <Group align="flex-end" grow>
            <Select
              label={t('documents.methodLabel')}
              data={methods.map((m) => ({ value: m, label: t(`documents.method.${m}`) }))}
              value={method}
              onChange={(m) => m && setMethod(m as VerificationMethod)}
              allowDeselect={false}
            />
            <Textarea
              label={t('documents.noteLabel')}
              description={t('documents.noteHelp')}
              value={note}
              onChange={(e) => setNote(e.currentTarget.value)}
              autosize
              minRows={1}
              maxLength={1000}
              data-testid="verification-note"
            />
          </Group>
          <Group justify="flex-end">
            <Button
              color="red"
              variant="light"
              onClick={() => void decide('rejected')}
              loading={busy === 'rejected'}
              data-testid="document-reject"
            >
              {t('documents.reject')}
            </Button>
            <Button
              color="green"
              onClick={() => void decide('verified')}
              loading={busy === 'verified'}
              data-testid="document-verify"
            >
              {t('documents.verify')}
            </Button>
          </Group>
          {error && (
            <Alert color="red" role="alert" data-testid="verification-error">
              {ar ? error.ar : error.en}
            </Alert>
          )}
        </Stack>
      )}

      {viewerOpen && scan.state === 'ready' && (
        <ScanViewer
          onClose={() => setViewerOpen(false)}
          bytes={scan.bytes}
          mimeType={scan.mimeType}
          title={ar ? type.ar : type.en}
          onSave={saveEdited}
        />
      )}
    </Card>
  );
}
