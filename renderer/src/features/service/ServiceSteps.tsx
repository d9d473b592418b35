/**
 * Steps 6–7 of the procedure on a request file: registration of the accepted beneficiary
 * (استكمال التسجيل), service delivery records (تقديم الخدمة) and the satisfaction evaluation
 * (تقييم الخدمة). Rendered by features/requests inside the request file page.
 *
 * The printed QR code carries a one-time link to HQ's public evaluation page
 * (HQ address + /e/ + token, hq/evaluation-links.ts): the beneficiary answers later on their own
 * phone. Only the token's hash is stored, on the latest delivery; it reaches HQ with the next sync.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Image, Modal, Paper, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import QRCode from 'qrcode';
import type { StepPanelProps } from '../requests/contract';
import { useServices } from '../../services';
import { procedureStateLabels } from '../../../../shared/workflow/states';
import { buildDelivery, deliveriesNewestFirst, deliveryModes, isoToSaudiLocal, type DeliveryInput, type DeliveryProblem } from './delivery';
import { applyStep, prepareStep, writeRecord } from './write';
import { newRecordId, submitEvaluation } from './submitEvaluation';
import { evaluationLinkUrl, type EvaluationInput, type EvaluationProblem } from './evaluation';
import { addEvaluationLink } from './evaluationLinks';
import { useSession } from '../../state/session';
import { emptyEvaluationInput, useHandOver } from './handOverStore';
import { EvaluationForm } from './EvaluationForm';
import { HandOverLayer } from './HandOver';
import { printArea } from '../library/print';

function useLang() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en';
  return { t, en, pick: (m: { messageAr: string; messageEn: string }) => (en ? m.messageEn : m.messageAr), locale: en ? 'en-GB' : 'ar-SA-u-ca-gregory-nu-arab' };
}

function formatInstant(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Riyadh' }).format(new Date(iso));
}

/** Registration of an accepted beneficiary (features/service). */
export function RegistrationStep({ file, actor }: StepPanelProps) {
  const { t, en, pick, locale } = useLang();
  const { db } = useServices();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { request } = file;
  const registered = [...request.history].reverse().find((h) => h.event === 'register');
  const register = async () => {
    setSaving(true);
    setError(null);
    const result = await applyStep(db, actor, file, { type: 'register' }, new Date());
    setSaving(false);
    if (!result.ok) setError(pick(result));
  };
  const state = procedureStateLabels[request.state];
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-step-title" data-testid="registration-step">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} id="registration-step-title">
            {t('service.registrationTitle')}
          </Title>
          <Badge variant="light" data-testid="request-state" data-state={request.state}>
            {en ? state.en : state.ar}
          </Badge>
        </Group>
        {registered ? (
          <Text data-testid="registration-done">{t('service.registeredOn', { at: formatInstant(registered.at, locale) })}</Text>
        ) : request.state === 'accepted' ? (
          <>
            <Text c="dimmed">{t('service.registrationHint')}</Text>
            <Group>
              <Button onClick={() => void register()} loading={saving} data-testid="register-beneficiary">
                {t('service.registerAction')}
              </Button>
            </Group>
          </>
        ) : (
          <Text c="dimmed">{t('service.registrationWaits')}</Text>
        )}
        {error && (
          <Alert color="red" variant="light" role="alert" data-testid="registration-error">
            {error}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** Service delivery records (features/service): repeatable, newest first. */
export function DeliveryStep({ file, actor }: StepPanelProps) {
  const { t, en, pick, locale } = useLang();
  const { db } = useServices();
  const blank = (): DeliveryInput => ({ deliveredAt: isoToSaudiLocal(new Date()), mode: 'office', notes: '' });
  const [input, setInput] = useState<DeliveryInput>(blank);
  const [problems, setProblems] = useState<DeliveryProblem[]>([]);
  const [saving, setSaving] = useState(false);
  const { request } = file;
  const canDeliver = request.state === 'registered' || request.state === 'service_delivered' || request.state === 'evaluated';
  const list = deliveriesNewestFirst(file.deliveries);
  const problemOf = (f: DeliveryProblem['field']) => {
    const p = problems.find((x) => x.field === f);
    return p ? pick(p) : undefined;
  };
  const save = async () => {
    setSaving(true);
    const now = new Date();
    const built = buildDelivery(input, {
      id: newRecordId(),
      branchId: request.branchId,
      requestId: request.id,
      beneficiaryId: file.beneficiary.id,
      serviceId: request.serviceId,
      deliveredBy: actor.userId,
      previous: file.deliveries,
      now,
    });
    if (!built.ok) {
      setProblems(built.problems);
      setSaving(false);
      return;
    }
    // Later sessions after the evaluation are recorded without moving the request back.
    const moves = request.state !== 'evaluated';
    const next = moves ? await prepareStep(actor, file, { type: 'deliver_service', deliveryId: built.delivery.id }, now) : null;
    if (next && !next.ok) {
      setProblems([{ field: 'record', messageAr: next.messageAr, messageEn: next.messageEn }]);
      setSaving(false);
      return;
    }
    const saved = await writeRecord(db, actor, 'service_deliveries', built.delivery, () => now);
    const moved = saved.ok && next?.ok ? await writeRecord(db, actor, 'support_requests', next.value, () => now) : null;
    setSaving(false);
    const failed = !saved.ok ? saved : moved && !moved.ok ? moved : null;
    if (failed) {
      setProblems([
        ...failed.issues.map((i) => ({ field: 'record' as const, messageAr: i.message, messageEn: failed.messageEn })),
        { field: 'record', messageAr: failed.messageAr, messageEn: failed.messageEn },
      ]);
      return;
    }
    setProblems([]);
    setInput(blank());
  };
  const recordProblems = problems.filter((p) => p.field === 'record');
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="delivery-step-title" data-testid="delivery-step">
      <Stack gap="md">
        <Title order={3} id="delivery-step-title">
          {t('service.deliveryTitle')}
        </Title>
        {list.length === 0 ? (
          <Text c="dimmed" data-testid="deliveries-empty">
            {t('service.deliveriesEmpty')}
          </Text>
        ) : (
          <Table striped verticalSpacing="xs" data-testid="delivery-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('service.sessionColumn')}</Table.Th>
                <Table.Th>{t('service.deliveredAtColumn')}</Table.Th>
                <Table.Th>{t('service.modeColumn')}</Table.Th>
                <Table.Th>{t('service.byColumn')}</Table.Th>
                <Table.Th>{t('service.notesColumn')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((d) => (
                <Table.Tr key={d.id} data-testid="delivery-row">
                  <Table.Td>{d.sessionNumber === undefined ? '—' : new Intl.NumberFormat(locale).format(d.sessionNumber)}</Table.Td>
                  <Table.Td>{formatInstant(d.deliveredAt, locale)}</Table.Td>
                  <Table.Td>{t(`service.mode.${d.mode}`)}</Table.Td>
                  <Table.Td>{d.deliveredBy === actor.userId ? actor.displayName : d.deliveredBy}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{d.notes}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {canDeliver ? (
          <form
            noValidate
            data-testid="delivery-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <Stack gap="sm">
              <Group align="flex-start" grow>
                <TextInput
                  type="datetime-local"
                  name="deliveredAt"
                  label={t('service.deliveredAtLabel')}
                  value={input.deliveredAt}
                  onChange={(e) => setInput({ ...input, deliveredAt: e.currentTarget.value })}
                  error={problemOf('deliveredAt')}
                  dir="ltr"
                />
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="delivery-mode-label">
                    {t('service.modeLabel')}
                  </Text>
                  <SegmentedControl
                    aria-labelledby="delivery-mode-label"
                    value={input.mode}
                    onChange={(v) => setInput({ ...input, mode: v as DeliveryInput['mode'] })}
                    data={deliveryModes.map((m) => ({ value: m, label: t(`service.mode.${m}`) }))}
                  />
                </Stack>
              </Group>
              <Textarea
                name="notes"
                label={t('service.notesLabel')}
                description={t('service.notesHint')}
                value={input.notes}
                onChange={(e) => setInput({ ...input, notes: e.currentTarget.value })}
                error={problemOf('notes')}
                autosize
                minRows={2}
                withAsterisk
              />
              {recordProblems.length > 0 && (
                <Alert color="red" variant="light" role="alert" data-testid="delivery-error">
                  {recordProblems.map((p, i) => (
                    <Text key={i}>{pick(p)}</Text>
                  ))}
                </Alert>
              )}
              <Group>
                <Button type="submit" loading={saving} data-testid="delivery-submit">
                  {t('service.recordDelivery')}
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Text c="dimmed">{t('service.deliveryWaits', { state: en ? procedureStateLabels[request.state].en : procedureStateLabels[request.state].ar })}</Text>
        )}
      </Stack>
    </Paper>
  );
}

function QrSheet({ url, serviceName, onClose }: { url: string; serviceName: string; onClose(): void }) {
  const { t } = useTranslation();
  const [svg, setSvg] = useState<string | null>(null);
  const sheet = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }).then(
      (text) => live && setSvg(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`),
      (err: unknown) => console.error('QR code failed', err),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return (
    <Modal opened onClose={onClose} title={t('service.qrTitle')} size="lg">
      <Stack>
        <Stack ref={sheet} align="center" gap="sm" data-testid="qr-sheet">
          <Title order={3} ta="center">
            {t('service.qrSheetHeading', { service: serviceName })}
          </Title>
          <Text ta="center">{t('service.principle')}</Text>
          {svg && <Image src={svg} w={240} h={240} alt={t('service.qrAlt')} data-testid="qr-image" data-url={url} />}
          <Text size="sm" ta="center">
            {t('service.qrInstructions')}
          </Text>
        </Stack>
        <Alert color="blue" variant="light" className="sila-no-print" data-testid="qr-sync-note">
          {t('service.qrSyncNote')}
        </Alert>
        <Group justify="flex-end" className="sila-no-print">
          <Button onClick={() => sheet.current && printArea(sheet.current)} data-testid="qr-print">
            {t('service.print')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Satisfaction evaluation (features/service). */
export function EvaluationStep({ file, actor }: StepPanelProps) {
  const { t, en, pick } = useLang();
  const { db } = useServices();
  const start = useHandOver((s) => s.start);
  const hqUrl = useSession((s) => s.hqUrl);
  const [mode, setMode] = useState<'choose' | 'staff'>('choose');
  const [input, setInput] = useState<EvaluationInput>(emptyEvaluationInput);
  const [problems, setProblems] = useState<EvaluationProblem[]>([]);
  const [saving, setSaving] = useState(false);
  const [qrUrl, setQrUrl] = useState<string | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);
  const [printing, setPrinting] = useState(false);
  const [saved, setSaved] = useState(false);
  const { request } = file;
  const service = file.profile.services.find((s) => s.id === request.serviceId);
  const serviceName = service ? (en ? service.nameEn : service.nameAr) : request.serviceId;
  const open = request.state === 'service_delivered' || request.state === 'evaluated';

  const saveStaffEntry = async () => {
    setSaving(true);
    const result = await submitEvaluation(db, actor, file, input, 'staff_entry');
    setSaving(false);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    setInput(emptyEvaluationInput);
    setMode('choose');
    setSaved(true);
  };

  // A new one-time link on the latest delivery (saved here; HQ learns it at the next sync).
  const printQr = async () => {
    setLinkError(null);
    setPrinting(true);
    const result = await addEvaluationLink(db, actor, file, new Date());
    setPrinting(false);
    if (!result.ok) setLinkError(pick(result));
    else setQrUrl(evaluationLinkUrl(hqUrl, result.token));
  };

  const linked = file.evaluations.filter((e) => e.requestId === request.id);
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="evaluation-step-title" data-testid="evaluation-step">
      <HandOverLayer file={file} />
      <Stack gap="md">
        <Title order={3} id="evaluation-step-title">
          {t('service.evaluationTitle')}
        </Title>
        <Alert color="teal" variant="light">
          {t('service.principle')}
        </Alert>
        {linkError && (
          <Alert color="red" variant="light" role="alert" data-testid="evaluation-link-error">
            {linkError}
          </Alert>
        )}
        <Text c="dimmed" data-testid="evaluation-count" data-count={linked.length}>
          {t('service.evaluationCount', { count: linked.length })}
        </Text>
        {saved && (
          <Alert color="teal" variant="light" data-testid="evaluation-saved">
            {t('service.evaluationSaved')}
          </Alert>
        )}
        {!open ? (
          <Text c="dimmed">{t('service.evaluationWaits')}</Text>
        ) : mode === 'staff' ? (
          <Stack>
            <EvaluationForm input={input} onChange={setInput} onSubmit={() => void saveStaffEntry()} problems={problems} saving={saving} serviceName={serviceName} />
            <Group>
              <Button variant="subtle" onClick={() => setMode('choose')}>
                {t('service.cancel')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Group>
            <Button
              onClick={() => {
                setSaved(false);
                start({ requestId: request.id, channel: 'laptop_handover', hash: window.location.hash });
              }}
              data-testid="evaluation-handover"
            >
              {t('service.handOverAction')}
            </Button>
            <Button variant="light" onClick={() => void printQr()} loading={printing} data-testid="evaluation-qr">
              {t('service.qrAction')}
            </Button>
            <Button variant="default" onClick={() => setMode('staff')} data-testid="evaluation-staff">
              {t('service.staffEntryAction')}
            </Button>
          </Group>
        )}
        {problems.length > 0 && mode === 'choose' && (
          <Alert color="red" variant="light" role="alert">
            {problems.map((p, i) => (
              <Text key={i}>{pick(p)}</Text>
            ))}
          </Alert>
        )}
      </Stack>
      {qrUrl && <QrSheet url={qrUrl} serviceName={serviceName} onClose={() => setQrUrl(null)} />}
    </Paper>
  );
}
