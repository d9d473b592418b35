/**
 * Step 5 — the declaration (الإقرار): review the declared data, list what is missing, have the
 * applicant sign on screen (or print the blank form for a wet signature, scanned back as a
 * document), the employee confirms, the PDF is built in a worker, the declaration stored
 * (append-only), the procedure moved on, and the PDF printed or saved. A later edit of the data
 * makes the declaration stale: shown with the changed fields, and a new one is asked for.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  Paper,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyProcedureEvent } from '../../../../shared/casefile';
import { declarations as declarationsDef, type Declaration } from '../../../../shared/schema';
import { roleLabels } from '../../../../shared/workflow/machine';
import { hrefOf } from '../../navigation';
import { buildDeclaration, PdfBuildError } from '../../pdf/client';
import { deviceSigningKey } from '../../pdf/deviceSigningKey';
import { useServices } from '../../services';
import type { StepPanelProps } from '../requests/contract';
import { newDeclarationFile, readDeclarationFile } from './attachments';
import { declarationInput, dualDay, referenceOf, SIGNED_DECLARATION_DOCUMENT_TYPE } from './declarationInput';
import { DeclaredDataReview, useFieldLabel } from './DeclaredDataReview';
import { PdfActions } from './PdfActions';
import { insertRecord, newRecordId, RecordInvalidError, saveProcedureStep, auditEvent } from './records';
import { SignaturePad, type SignaturePadHandle } from './SignaturePad';
import { useDeclarationStatus } from './useDeclarationStatus';

export { SubmissionStep } from './SubmissionStep';

type Method = 'screen' | 'paper';

interface Built {
  declarationId: string;
  reference: string;
  pdf: Uint8Array;
  variant: 'signed' | 'blank';
}

export function DeclarationStep({ file, actor }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ar';
  const { db, dataKey } = useServices();
  const status = useDeclarationStatus(file);
  const fieldLabel = useFieldLabel();
  const { request, beneficiary, profile } = file;

  const [method, setMethod] = useState<Method>('screen');
  const [applicantName, setApplicantName] = useState(beneficiary.fullName);
  const [relation, setRelation] = useState('');
  const [place, setPlace] = useState(beneficiary.city ?? '');
  const [confirmed, setConfirmed] = useState(false);
  const [signatureEmpty, setSignatureEmpty] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [built, setBuilt] = useState<Built | null>(null);
  const pad = useRef<SignaturePadHandle>(null);

  const { declaration, staleness, gaps, data } = status;
  const signedHere = request.declarationId !== undefined && declaration?.id === request.declarationId;
  const stale = signedHere && staleness?.stale === true;
  const canSign = request.state === 'data_collection';
  const waitingWet =
    !signedHere && declaration?.signature.kind === 'wet' && request.state === 'data_collection' && built?.variant !== 'signed';
  const signedScan = file.documents.find(
    (d) => d.requestId === request.id && d.type === SIGNED_DECLARATION_DOCUMENT_TYPE && d.verification.status !== 'rejected' && d.createdAt >= (declaration?.declaredAt ?? ''),
  );
  const role = roleLabels[actor.role][lang];

  function problemText(p: { messageAr: string; messageEn: string }): string {
    return lang === 'ar' ? p.messageAr : p.messageEn;
  }

  function showFailure(e: unknown) {
    if (e instanceof PdfBuildError) {
      setError(problemText(e.problem));
      const f = e.problem.field ?? '';
      if (f.startsWith('applicant')) setFieldErrors({ applicantName: problemText(e.problem) });
      else if (f === 'place') setFieldErrors({ place: problemText(e.problem) });
    } else if (e instanceof RecordInvalidError) {
      setError([problemText(e), ...e.issues.map((i) => i.message)].join(' '));
    } else {
      console.error(e);
      setError(t('declaration.errors.unexpected'));
    }
  }

  function checkForm(variant: 'signed' | 'blank'): boolean {
    const errors: Record<string, string> = {};
    if (!applicantName.trim()) errors.applicantName = t('declaration.errors.applicantName');
    if (!place.trim()) errors.place = t('declaration.errors.place');
    if (variant === 'signed' && pad.current?.isEmpty() !== false) errors.signature = t('declaration.errors.signature');
    if (variant === 'signed' && !confirmed) errors.confirm = t('declaration.errors.confirm');
    setFieldErrors(errors);
    return Object.keys(errors).length === 0;
  }

  async function create(variant: 'signed' | 'blank') {
    setError(null);
    if (!checkForm(variant)) return;
    setBusy(true);
    try {
      const now = new Date();
      const declarationId = newRecordId();
      const reference = referenceOf('DEC', declarationId, now);
      const signaturePng = variant === 'signed' ? await pad.current?.toPng() : undefined;
      if (variant === 'signed' && !signaturePng) {
        setFieldErrors({ signature: t('declaration.errors.signature') });
        return;
      }
      const device = await deviceSigningKey();
      const input = declarationInput(data, profile, { applicantName, relationToBeneficiary: relation, place }, actor, reference, now);
      const pdf = await buildDeclaration(input, variant, device, signaturePng ?? undefined);

      // The procedure step is checked before anything is stored (the domain's reasons if refused).
      let step = null;
      if (variant === 'signed') {
        const result = await applyProcedureEvent(
          request,
          { type: 'sign_declaration', declarationId, declarationHash: pdf.dataSha256 },
          { beneficiary, documents: file.documents, profile },
          actor,
          now,
        );
        if (!result.ok) {
          setError(problemText(result));
          return;
        }
        step = result.request;
      }
      // The files are stored with the record, in the same write, and replicate with it.
      const signatureFile = signaturePng ? newDeclarationFile('signature', signaturePng) : undefined;
      const pdfFile = newDeclarationFile('pdf', pdf.pdf);
      const imageAttachmentId = signatureFile?.id;
      const pdfAttachmentId = pdfFile.id;
      const imageSha256 = variant === 'signed' ? (JSON.parse(pdf.snapshotJson) as { signature: { imageSha256?: string } }).signature.imageSha256 : undefined;
      const record: Declaration = {
        id: declarationId,
        branchId: request.branchId,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        updatedBy: actor.userId,
        requestId: request.id,
        beneficiaryId: beneficiary.id,
        reference,
        declaredAt: now.toISOString(),
        snapshotJson: pdf.snapshotJson,
        snapshotSha256: pdf.snapshotSha256,
        dataSha256: pdf.dataSha256,
        qrPayload: pdf.qrPayload,
        deviceKeyId: device.keyId,
        signature:
          variant === 'signed'
            ? { kind: 'drawn', ...(imageSha256 ? { imageSha256 } : {}), ...(imageAttachmentId ? { imageAttachmentId } : {}) }
            : { kind: 'wet' },
        witnessedBy: actor.userId,
        pdfAttachmentId,
      };
      await insertRecord(
        db,
        declarationsDef,
        record,
        actor,
        {
          action: variant === 'signed' ? 'sign' : 'create',
          summary: variant === 'signed' ? 'declaration signed on screen' : 'blank declaration form made for a wet signature',
        },
        signatureFile ? [pdfFile, signatureFile] : [pdfFile],
      );
      if (step) await saveProcedureStep(db, step, actor, 'sign_declaration: declarationId, declarationHash, state');
      setBuilt({ declarationId, reference, pdf: pdf.pdf, variant });
      setConfirmed(false);
    } catch (e) {
      showFailure(e);
    } finally {
      setBusy(false);
    }
  }

  async function confirmWetSignature() {
    if (!declaration) return;
    setError(null);
    setBusy(true);
    try {
      const result = await applyProcedureEvent(
        request,
        { type: 'sign_declaration', declarationId: declaration.id, declarationHash: declaration.dataSha256 },
        { beneficiary, documents: file.documents, profile },
        actor,
        new Date(),
      );
      if (!result.ok) {
        setError(problemText(result));
        return;
      }
      await saveProcedureStep(db, result.request, actor, 'sign_declaration (wet signature scanned): declarationId, declarationHash, state');
      await auditEvent(db, actor, 'sign', 'declarations', declaration.id, 'wet signature confirmed from the scanned paper');
    } catch (e) {
      showFailure(e);
    } finally {
      setBusy(false);
    }
  }

  async function reopenPdf() {
    if (!declaration?.pdfAttachmentId) return;
    setError(null);
    setBusy(true);
    try {
      const pdf = await readDeclarationFile(db, dataKey, declaration.id, declaration.pdfAttachmentId);
      if (!pdf) {
        setError(t('declaration.errors.pdfElsewhere'));
        return;
      }
      setBuilt({ declarationId: declaration.id, reference: declaration.reference, pdf, variant: declaration.signature.kind === 'drawn' ? 'signed' : 'blank' });
    } catch (e) {
      showFailure(e);
    } finally {
      setBusy(false);
    }
  }

  async function startNewDeclaration() {
    setError(null);
    setBusy(true);
    try {
      const fields = (staleness?.changedFields ?? []).join(', ');
      const result = await applyProcedureEvent(
        request,
        { type: 'reopen_data', reason: `${t('declaration.stale.reopenReason')} ${fields}`.slice(0, 1900) },
        { beneficiary, documents: file.documents, profile },
        actor,
        new Date(),
      );
      if (!result.ok) {
        setError(problemText(result));
        return;
      }
      await saveProcedureStep(db, result.request, actor, 'reopen_data: the declared data changed after signing');
      setBuilt(null);
    } catch (e) {
      showFailure(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="md" data-testid="declaration-step">

      {signedHere && declaration ? (
        <Paper withBorder p="md" radius="md" data-testid="declaration-current">
          <Group justify="space-between">
            <Text fw={600}>
              {t('declaration.current.title', { reference: declaration.reference })}
            </Text>
            <Badge color={stale ? 'orange' : 'teal'} variant="light" data-testid="declaration-standing">
              {stale ? t('declaration.current.stale') : t('declaration.current.valid')}
            </Badge>
          </Group>
          <Text size="sm" c="dimmed">
            {t('declaration.current.when', { date: dualDay(declaration.declaredAt, lang) })}
          </Text>
          {!built && !stale && declaration.pdfAttachmentId ? (
            <Button variant="light" size="xs" mt="xs" onClick={() => void reopenPdf()} loading={busy} data-testid="declaration-reopen-pdf">
              {t('declaration.current.reopen')}
            </Button>
          ) : null}
        </Paper>
      ) : null}

      {stale && staleness ? (
        <Alert color="orange" title={t('declaration.stale.title')} role="alert" data-testid="declaration-stale">
          <Stack gap="xs">
            <Text size="sm">{problemText(staleness)}</Text>
            {staleness.changedFields.length > 0 ? (
              <>
                <Text size="sm" fw={600}>
                  {t('declaration.stale.changed')}
                </Text>
                <List size="sm" data-testid="declaration-changed-fields">
                  {staleness.changedFields.map((f) => (
                    <List.Item key={f}>{fieldLabel(f)}</List.Item>
                  ))}
                </List>
              </>
            ) : null}
            <Group>
              <Button color="orange" onClick={() => void startNewDeclaration()} loading={busy} data-testid="declaration-renew">
                {t('declaration.stale.renew')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : null}

      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h4" mb="sm">
          {t('declaration.review.title')}
        </Title>
        <DeclaredDataReview data={data} changedFields={stale ? (staleness?.changedFields ?? []) : []} />
      </Paper>

      {gaps.length > 0 ? (
        <Alert color="red" title={t('declaration.gaps.title')} role="alert" data-testid="declaration-gaps">
          <List size="sm">
            {gaps.map((g) => (
              <List.Item key={g.field}>
                {problemText(g)}{' '}
                <Anchor href={g.field === 'beneficiary.mobile' ? hrefOf('beneficiaries', beneficiary.id) : hrefOf('requests', request.id)}>
                  {t('declaration.gaps.fix')}
                </Anchor>
              </List.Item>
            ))}
          </List>
        </Alert>
      ) : null}

      {!canSign && !signedHere ? (
        <Alert color="gray" data-testid="declaration-not-now">
          {t('declaration.notNow')}
        </Alert>
      ) : null}

      {canSign && gaps.length === 0 ? (
        <Paper withBorder p="md" radius="md" data-testid="declaration-sign">
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('declaration.sign.title')}
            </Title>
            <SegmentedControl
              value={method}
              onChange={(v) => setMethod(v as Method)}
              data={[
                { value: 'screen', label: t('declaration.sign.onScreen') },
                { value: 'paper', label: t('declaration.sign.onPaper') },
              ]}
              aria-label={t('declaration.sign.method')}
              data-testid="declaration-method"
            />
            <Group grow align="flex-start">
              <TextInput
                label={t('declaration.sign.applicantName')}
                name="applicantName"
                required
                value={applicantName}
                onChange={(e) => setApplicantName(e.currentTarget.value)}
                error={fieldErrors.applicantName}
              />
              <TextInput
                label={t('declaration.sign.relation')}
                description={t('declaration.sign.relationHelp')}
                name="relation"
                value={relation}
                onChange={(e) => setRelation(e.currentTarget.value)}
              />
              <TextInput
                label={t('declaration.sign.place')}
                name="place"
                required
                value={place}
                onChange={(e) => setPlace(e.currentTarget.value)}
                error={fieldErrors.place}
              />
            </Group>

            {method === 'screen' ? (
              <>
                <Text size="sm">{t('declaration.sign.statementIntro')}</Text>
                <Paper p="sm" bg="gray.0" radius="sm">
                  <Text size="sm" dir="rtl" lang="ar">
                    {profile.declaration.textAr}
                  </Text>
                </Paper>
                <SignaturePad ref={pad} onChange={setSignatureEmpty} disabled={busy} />
                {fieldErrors.signature ? (
                  <Text c="red" size="sm" role="alert">
                    {fieldErrors.signature}
                  </Text>
                ) : null}
                <Checkbox
                  checked={confirmed}
                  onChange={(e) => setConfirmed(e.currentTarget.checked)}
                  label={t('declaration.sign.confirm', { name: actor.displayName, role })}
                  error={fieldErrors.confirm}
                  data-testid="declaration-confirm"
                />
                <Group>
                  <Button onClick={() => void create('signed')} loading={busy} disabled={signatureEmpty} data-testid="declaration-create">
                    {t('declaration.sign.create')}
                  </Button>
                </Group>
              </>
            ) : (
              <>
                <Text size="sm">{t('declaration.paper.explain')}</Text>
                <Group>
                  <Button onClick={() => void create('blank')} loading={busy} variant="light" data-testid="declaration-blank">
                    {t('declaration.paper.makeBlank')}
                  </Button>
                </Group>
              </>
            )}
          </Stack>
        </Paper>
      ) : null}

      {waitingWet && declaration ? (
        <Paper withBorder p="md" radius="md" data-testid="declaration-wet">
          <Stack gap="xs">
            <Text fw={600}>{t('declaration.paper.waiting', { reference: declaration.reference })}</Text>
            {!built && declaration.pdfAttachmentId ? (
              <Group>
                <Button variant="light" size="xs" onClick={() => void reopenPdf()} loading={busy} data-testid="declaration-reopen-blank">
                  {t('declaration.paper.reprint')}
                </Button>
              </Group>
            ) : null}
            {signedScan ? (
              <>
                <Text size="sm">{t('declaration.paper.scanFound')}</Text>
                <Group>
                  <Button onClick={() => void confirmWetSignature()} loading={busy} data-testid="declaration-wet-confirm">
                    {t('declaration.paper.confirm', { name: actor.displayName, role })}
                  </Button>
                </Group>
              </>
            ) : (
              <Text size="sm">
                {t('declaration.paper.scanMissing')}{' '}
                <Anchor href={hrefOf('requests', request.id, 'documents')}>{t('declaration.paper.toDocuments')}</Anchor>
              </Text>
            )}
          </Stack>
        </Paper>
      ) : null}

      {error ? (
        <Alert color="red" role="alert" data-testid="declaration-error">
          {error}
        </Alert>
      ) : null}

      {built && !stale ? (
        <Paper withBorder p="md" radius="md" data-testid="declaration-built">
          <Stack gap="xs">
            <Text fw={600}>
              {built.variant === 'signed'
                ? t('declaration.done.signed', { reference: built.reference })
                : t('declaration.done.blank', { reference: built.reference })}
            </Text>
            <PdfActions
              pdf={built.pdf}
              fileName={`${built.reference}.pdf`}
              title={built.reference}
              actor={actor}
              audit={{ collectionName: 'declarations', docId: built.declarationId, what: 'declaration' }}
              testIdPrefix="declaration-pdf"
            />
          </Stack>
        </Paper>
      ) : null}
    </Stack>
  );
}
