/**
 * Adding or correcting one document: its type, number, issue and expiry dates (Hijri or
 * Gregorian) and its scan (file picker, drag and drop, or the camera). While typing, the app
 * compares the document with the beneficiary data and flags an expired document as of the
 * submission date. Nothing typed is lost when a field or the file is refused.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { documentConsistencyChecks } from '../../../../shared/casefile';
import type { BeneficiaryDocument } from '../../../../shared/schema';
import { useServices } from '../../services';
import { writeDocument } from './documentWrites';
import { newRecordId } from '../../data/beneficiaries';
import type { StepPanelProps } from '../requests/contract';
import { CameraDialog } from './CameraDialog';
import { DocumentDateField } from './DocumentDateField';
import { interpretDateInput, dateToInputText } from './dateInput';
import {
  emptyDraft,
  expiryStatus,
  prepareDocument,
  type DocumentDraft,
  type FieldProblems,
} from './documentRecord';
import {
  checkScanFile,
  isImageType,
  MAX_SCAN_BYTES,
  SCAN_ACCEPT_ATTRIBUTE,
  type ScanMimeType,
} from './scanFile';
import { removeScan, storeScan } from './scanStore';
import { ScanThumb } from './ScanThumb';

export interface DocumentEditorProps extends StepPanelProps {
  existing?: BeneficiaryDocument;
  presetTypeId?: string;
  referenceAt: string;
  onDone(): void;
}

interface PendingScan {
  bytes: Uint8Array<ArrayBuffer>;
  mimeType: ScanMimeType;
  name: string;
}

function draftOf(doc: BeneficiaryDocument): DocumentDraft {
  return {
    typeId: doc.type,
    number: doc.number ?? '',
    issueText: doc.issueDate ? dateToInputText(doc.issueDate) : '',
    issueCalendar: doc.issueDate?.calendar ?? 'hijri',
    expiryText: doc.expiryDate ? dateToInputText(doc.expiryDate) : '',
    expiryCalendar: doc.expiryDate?.calendar ?? 'hijri',
  };
}

export function DocumentEditor({
  file,
  actor,
  existing,
  presetTypeId,
  referenceAt,
  onDone,
}: DocumentEditorProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const [draft, setDraft] = useState<DocumentDraft>(() =>
    existing ? draftOf(existing) : emptyDraft(presetTypeId ?? ''),
  );
  const [scan, setScan] = useState<PendingScan | null>(null);
  const [fileProblem, setFileProblem] = useState<{ ar: string; en: string } | null>(null);
  const [problems, setProblems] = useState<FieldProblems>({});
  const [saveError, setSaveError] = useState<{ ar: string; en: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [cameraOpen, setCameraOpen] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);
  useEffect(() => () => void (previewUrl && URL.revokeObjectURL(previewUrl)), [previewUrl]);

  const msg = (p: { messageAr: string; messageEn: string } | undefined) =>
    p ? (ar ? p.messageAr : p.messageEn) : undefined;

  function update(patch: Partial<DocumentDraft>) {
    setDraft((d) => ({ ...d, ...patch }));
    setSaveError(null);
  }

  function accept(bytes: Uint8Array<ArrayBuffer>, name: string) {
    const check = checkScanFile(name, bytes);
    if (!check.ok) {
      // The file is refused; everything typed and the scan already chosen stay as they were.
      setFileProblem({ ar: check.messageAr, en: check.messageEn });
      return;
    }
    setFileProblem(null);
    setScan({ bytes, mimeType: check.mimeType, name });
    setPreviewUrl(
      isImageType(check.mimeType)
        ? URL.createObjectURL(new Blob([bytes], { type: check.mimeType }))
        : null,
    );
  }

  async function acceptFile(f: File) {
    if (f.size > MAX_SCAN_BYTES) {
      // Refuse before reading a huge file into memory.
      const check = checkScanFile(f.name, new Uint8Array(MAX_SCAN_BYTES + 1));
      if (!check.ok) setFileProblem({ ar: check.messageAr, en: check.messageEn });
      return;
    }
    accept(new Uint8Array(await f.arrayBuffer()), f.name);
  }

  function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault();
    setDragging(false);
    const f = e.dataTransfer.files[0];
    if (f) void acceptFile(f);
  }

  // Live comparison with the beneficiary data (the domain's checks on what is typed now).
  const liveDoc = {
    ...(existing ?? {}),
    beneficiaryId: existing?.beneficiaryId ?? file.beneficiary.id,
    type: draft.typeId,
    ...(draft.number.trim() ? { number: draft.number.trim() } : { number: undefined }),
  } as BeneficiaryDocument;
  const issues = draft.typeId ? documentConsistencyChecks(file.beneficiary, liveDoc) : [];
  const expiryInput = interpretDateInput(draft.expiryText, draft.expiryCalendar);
  const expiry =
    expiryInput.state === 'valid'
      ? expiryStatus({ expiryDate: expiryInput.date }, referenceAt)
      : null;

  async function save() {
    setSaving(true);
    setSaveError(null);
    try {
      const documentId = existing?.id ?? newRecordId();
      const ctx = {
        beneficiary: file.beneficiary,
        request: file.request,
        userId: actor.userId,
        now: new Date(),
        newId: () => documentId,
      };
      const prepared = prepareDocument(draft, ctx, existing);
      if (!prepared.ok) {
        setProblems(prepared.problems);
        return;
      }
      setProblems({});
      // The record first (a scan is an attachment of a stored record), then its scan.
      const written = await writeDocument(db, actor, prepared.document);
      if (!written.ok) {
        setSaveError({ ar: written.messageAr, en: written.messageEn });
        return;
      }
      if (scan) {
        const stored = await storeScan(db, documentId, scan.bytes);
        if (!stored.ok) {
          // The details are saved; the scan stays chosen here so "save" can be pressed again.
          setSaveError({ ar: stored.messageAr, en: stored.messageEn });
          return;
        }
        const { ok: _ok, ...attachment } = stored;
        const withScan = prepareDocument(draft, ctx, prepared.document, attachment);
        if (!withScan.ok) {
          setProblems(withScan.problems);
          return;
        }
        const linked = await writeDocument(db, actor, withScan.document, 'scan attached');
        if (!linked.ok) {
          setSaveError({ ar: linked.messageAr, en: linked.messageEn });
          return;
        }
        const replaced = existing?.attachment?.attachmentId;
        if (replaced && replaced !== attachment.attachmentId)
          await removeScan(db, documentId, replaced);
      }
      onDone();
    } catch {
      setSaveError({
        ar: 'تعذّر حفظ المستند على هذا الجهاز ولم يضِع شيء مما كتبته. أعد المحاولة، وإن تكرر ذلك فأعد تشغيل التطبيق.',
        en: 'The document could not be saved on this laptop; nothing you typed is lost. Try again; if it keeps failing, restart the app.',
      });
    } finally {
      setSaving(false);
    }
  }

  const typeOptions = file.profile.documentTypes.map((d) => ({
    value: d.id,
    label: ar ? d.labelAr : d.labelEn,
  }));

  return (
    <Card withBorder padding="md" data-testid="document-editor">
      <Stack>
        <Title order={4}>{existing ? t('documents.editTitle') : t('documents.addTitle')}</Title>
        <Group grow align="flex-start">
          <Select
            label={t('documents.type')}
            data={typeOptions}
            value={draft.typeId || null}
            onChange={(v) => update({ typeId: v ?? '' })}
            error={msg(problems.typeId)}
            allowDeselect={false}
            searchable
            data-testid="document-type"
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput
            name="number"
            label={t('documents.number')}
            value={draft.number}
            onChange={(e) => update({ number: e.currentTarget.value })}
            error={msg(problems.number)}
            autoComplete="off"
            maxLength={64}
            classNames={{ input: 'sila-ltr-value' }}
            data-testid="document-number"
          />
        </Group>
        <Group grow align="flex-start">
          <DocumentDateField
            name="issueDate"
            label={t('documents.issueDate')}
            value={draft.issueText}
            calendar={draft.issueCalendar}
            onChange={(issueText, issueCalendar) => update({ issueText, issueCalendar })}
            error={msg(problems.issueDate)}
          />
          <DocumentDateField
            name="expiryDate"
            label={t('documents.expiryDate')}
            value={draft.expiryText}
            calendar={draft.expiryCalendar}
            onChange={(expiryText, expiryCalendar) => update({ expiryText, expiryCalendar })}
            error={msg(problems.expiryDate)}
          />
        </Group>

        <div
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = 'copy';
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
          data-testid="scan-dropzone"
          style={{
            border: `2px dashed ${dragging ? 'var(--mantine-color-blue-6)' : 'var(--mantine-color-gray-4)'}`,
            borderRadius: 8,
            padding: 16,
            background: dragging ? 'var(--mantine-color-blue-0)' : undefined,
          }}
        >
          <Stack gap="xs" align="center">
            <Text size="sm">{t('documents.dropHere')}</Text>
            <Text size="xs" c="gray.7">
              {t('documents.fileLimits')}
            </Text>
            <Group>
              <Button
                variant="light"
                onClick={() => picker.current?.click()}
                data-testid="scan-pick"
              >
                {t('documents.pickFile')}
              </Button>
              <Button variant="light" onClick={() => setCameraOpen(true)} data-testid="scan-camera">
                {t('documents.useCamera')}
              </Button>
            </Group>
            <input
              ref={picker}
              type="file"
              accept={SCAN_ACCEPT_ATTRIBUTE}
              hidden
              data-testid="scan-input"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                e.currentTarget.value = '';
                if (f) void acceptFile(f);
              }}
            />
            {scan && (
              <Group gap="xs" data-testid="scan-pending">
                {previewUrl && (
                  <img
                    src={previewUrl}
                    alt={t('documents.newScanPreview')}
                    style={{ blockSize: 96, borderRadius: 4 }}
                  />
                )}
                <Badge variant="light" color="blue">
                  {t('documents.newScan', {
                    name: scan.name,
                    size: Math.ceil(scan.bytes.length / 1024),
                  })}
                </Badge>
              </Group>
            )}
            {!scan && existing?.attachment && <ScanThumb document={existing} />}
          </Stack>
        </div>
        {fileProblem && (
          <Alert color="red" role="alert" data-testid="scan-problem">
            {ar ? fileProblem.ar : fileProblem.en}
          </Alert>
        )}
        {problems.attachment && (
          <Alert color="red" role="alert">
            {msg(problems.attachment)}
          </Alert>
        )}

        {(issues.length !== 0 || expiry?.expired) && (
          <Stack gap="xs" data-testid="live-checks">
            {expiry?.expired && (
              <Alert color="orange" title={t('documents.flag.expired')} data-testid="flag-expired">
                {ar ? expiry.messageAr : expiry.messageEn}
              </Alert>
            )}
            {issues.map((i) => (
              <Alert
                key={i.code}
                color={i.severity === 'mismatch' ? 'red' : 'yellow'}
                title={t(`documents.flag.${i.severity}`)}
                data-testid={`flag-${i.code}`}
              >
                {ar ? i.messageAr : i.messageEn}
              </Alert>
            ))}
          </Stack>
        )}
        {saveError && (
          <Alert color="red" role="alert" data-testid="document-save-error">
            {ar ? saveError.ar : saveError.en}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            {t('documents.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={saving} data-testid="document-save">
            {t('documents.save')}
          </Button>
        </Group>
      </Stack>
      {cameraOpen && (
        <CameraDialog
          onClose={() => setCameraOpen(false)}
          onCapture={(bytes) => accept(bytes, t('documents.cameraPhotoName'))}
        />
      )}
    </Card>
  );
}
