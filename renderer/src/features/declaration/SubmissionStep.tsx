/**
 * Step 6 — submission to the research committee and the receipt (إيصال استلام الطلب): blocked with
 * the domain's reasons while documents are not verified or the declaration is stale; afterwards
 * the receipt with the earliest reply date (Hijri and Gregorian) and what happens next.
 */
import { Alert, Button, Group, List, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { applyProcedureEvent } from '../../../../shared/casefile';
import { findService } from '../../../../shared/policy';
import { buildReceipt, PdfBuildError } from '../../pdf/client';
import { useServices } from '../../services';
import type { StepPanelProps } from '../requests/contract';
import type { SupportRequest } from '../../../../shared/schema';
import { dualDay, receiptInput, referenceOf } from './declarationInput';
import { PdfActions } from './PdfActions';
import { saveProcedureStep } from './records';

type Check = { ok: true } | { ok: false; messageAr: string; messageEn: string } | null;

export function SubmissionStep({ file, actor }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ar';
  const { db } = useServices();
  const { request, beneficiary, profile, documents } = file;
  const [checked, setChecked] = useState<{ request: SupportRequest; value: Check } | null>(null);
  const check: Check = checked?.request === request ? checked.value : null;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [receiptState, setReceiptState] = useState<{ key: string; pdf: Uint8Array | null; error: string | null } | null>(null);
  const text = (p: { messageAr: string; messageEn: string }) => (lang === 'ar' ? p.messageAr : p.messageEn);

  // Would the submission pass now? (The domain's reasons, before the employee clicks.)
  useEffect(() => {
    let live = true;
    if (request.state !== 'declaration_signed') return;
    applyProcedureEvent(request, { type: 'submit_to_committee' }, { beneficiary, documents, profile }, actor, new Date()).then(
      (r) => {
        if (live) setChecked({ request, value: r.ok ? { ok: true } : { ok: false, messageAr: r.messageAr, messageEn: r.messageEn } });
      },
      (e: unknown) => console.error('submission check', e),
    );
    return () => {
      live = false;
    };
  }, [request, beneficiary, documents, profile, actor]);

  // The receipt, once submitted.
  const input = receiptInput(request, profile, beneficiary.fullName);
  const inputKey = input ? JSON.stringify(input) : '';
  const receipt = receiptState?.key === inputKey ? receiptState.pdf : null;
  const receiptError = receiptState?.key === inputKey ? receiptState.error : null;
  useEffect(() => {
    let live = true;
    if (!inputKey) return;
    buildReceipt(JSON.parse(inputKey) as NonNullable<typeof input>).then(
      (pdf) => {
        if (live) setReceiptState({ key: inputKey, pdf, error: null });
      },
      (e: unknown) => {
        if (!live) return;
        const error = e instanceof PdfBuildError ? (lang === 'ar' ? e.problem.messageAr : e.problem.messageEn) : t('declaration.errors.unexpected');
        setReceiptState({ key: inputKey, pdf: null, error });
      },
    );
    return () => {
      live = false;
    };
  }, [inputKey, lang, t]);

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const r = await applyProcedureEvent(request, { type: 'submit_to_committee' }, { beneficiary, documents, profile }, actor, new Date());
      if (!r.ok) {
        setError(text(r));
        return;
      }
      await saveProcedureStep(db, r.request, actor, 'submit_to_committee: submittedAt, earliestReplyDate, state');
    } catch (e) {
      console.error(e);
      setError(t('declaration.errors.unexpected'));
    } finally {
      setBusy(false);
    }
  }

  const service = findService(profile, request.serviceId);

  return (
    <Stack gap="md" data-testid="submission-step">

      {request.state === 'declaration_signed' ? (
        <Paper withBorder p="md" radius="md">
          <Stack gap="sm">
            <Text size="sm">{t('declaration.submission.explain', { days: profile.researchCommittee.minReplyPeriodDays })}</Text>
            {check && !check.ok ? (
              <Alert color="orange" role="alert" title={t('declaration.submission.blocked')} data-testid="submission-blocked">
                {text(check)}
              </Alert>
            ) : null}
            <Group>
              <Button onClick={() => void submit()} loading={busy} disabled={!check?.ok} data-testid="submission-submit">
                {t('declaration.submission.submit')}
              </Button>
            </Group>
          </Stack>
        </Paper>
      ) : null}

      {!request.submittedAt && request.state !== 'declaration_signed' ? (
        <Alert color="gray" data-testid="submission-not-now">
          {t('declaration.submission.notNow')}
        </Alert>
      ) : null}

      {error ? (
        <Alert color="red" role="alert" data-testid="submission-error">
          {error}
        </Alert>
      ) : null}

      {request.submittedAt && input ? (
        <Paper withBorder p="md" radius="md" data-testid="receipt">
          <Stack gap="sm">
            <Title order={3} size="h4">
              {t('declaration.receipt.title')}
            </Title>
            <Table withTableBorder variant="vertical" layout="fixed">
              <Table.Tbody>
                <Table.Tr>
                  <Table.Th w="35%">{t('declaration.receipt.reference')}</Table.Th>
                  <Table.Td data-testid="receipt-reference">{input.reference}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('declaration.receipt.service')}</Table.Th>
                  <Table.Td>{lang === 'ar' ? (service?.nameAr ?? request.serviceId) : (service?.nameEn ?? service?.nameAr ?? request.serviceId)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('declaration.receipt.submittedAt')}</Table.Th>
                  <Table.Td>{dualDay(request.submittedAt, lang)}</Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Th>{t('declaration.receipt.earliestReply')}</Table.Th>
                  <Table.Td data-testid="receipt-earliest">{request.earliestReplyDate ? dualDay(request.earliestReplyDate, lang) : ''}</Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
            <Text fw={600}>{t('declaration.receipt.next')}</Text>
            <List size="sm" type="ordered">
              <List.Item>{t('declaration.receipt.next1')}</List.Item>
              <List.Item>{t('declaration.receipt.next2')}</List.Item>
              <List.Item>{t('declaration.receipt.next3', { days: profile.researchCommittee.minReplyPeriodDays })}</List.Item>
              <List.Item>{t('declaration.receipt.next4')}</List.Item>
            </List>
            {receiptError ? (
              <Alert color="red" role="alert">
                {receiptError}
              </Alert>
            ) : null}
            {receipt ? (
              <PdfActions
                pdf={receipt}
                fileName={`${referenceOf('REQ', request.id, new Date(request.submittedAt))}.pdf`}
                title={input.reference}
                actor={actor}
                audit={{ collectionName: 'support_requests', docId: request.id, what: 'receipt' }}
                testIdPrefix="receipt-pdf"
              />
            ) : (
              !receiptError && <Text size="sm" c="dimmed">{t('declaration.receipt.preparing')}</Text>
            )}
          </Stack>
        </Paper>
      ) : null}
    </Stack>
  );
}
