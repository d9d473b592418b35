import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useTranslation } from 'react-i18next';
import type { Beneficiary } from '../../../../shared/schema';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { exportSubjectData, recordDestructionRequest } from './subjectData';
import { correctionFields, correctionFormOf, saveCorrection, type CorrectionForm, type CorrectionProblems } from './correction';

type Message = { color: string; text: string; kind: 'export' | 'correct' | 'destroy' };

function CorrectionDialog({ beneficiary, opened, onClose, onSaved }: { beneficiary: Beneficiary; opened: boolean; onClose: () => void; onSaved: (changed: boolean) => void }) {
  const { t, i18n } = useTranslation();
  const { db } = useServices();
  const actor = useActor();
  const [form, setForm] = useState<CorrectionForm>(() => correctionFormOf(beneficiary));
  const [problems, setProblems] = useState<CorrectionProblems>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const ar = i18n.language === 'ar';

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setSaving(true);
    setFailure(null);
    try {
      const r = await saveCorrection(db, actor, beneficiary, form);
      if ('problems' in r) {
        setProblems(r.problems);
        return;
      }
      if (!r.ok) {
        setFailure(ar ? r.messageAr : r.messageEn);
        return;
      }
      onSaved(!('unchanged' in r));
    } catch (err) {
      console.error('PDPL correction failed', err);
      setFailure(t('privacy.failed'));
    } finally {
      setSaving(false);
    }
  }

  const field = (name: keyof CorrectionForm, extra: { ltr?: boolean } = {}) => (
    <TextInput
      key={name}
      name={name}
      label={t(`privacy.fields.${name}`)}
      value={form[name]}
      onChange={(e) => {
        const v = e.currentTarget.value;
        setForm((f) => ({ ...f, [name]: v }));
        setProblems((p) => ({ ...p, [name]: undefined }));
      }}
      error={problems[name] ? (ar ? problems[name].messageAr : (problems[name].messageEn ?? problems[name].messageAr)) : undefined}
      classNames={extra.ltr ? { input: 'sila-ltr-value' } : undefined}
      autoComplete="off"
    />
  );

  return (
    <Modal opened={opened} onClose={() => !saving && onClose()} title={t('privacy.correctTitle')} size="lg" centered closeButtonProps={{ 'aria-label': t('privacy.cancel') }}>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="pdpl-correct-form">
        <Stack gap="md">
          <Text size="sm">{t('privacy.correctBody')}</Text>
          {failure && (
            <Alert color="red" role="alert">
              {failure}
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>{correctionFields.slice(0, 4).map((name) => field(name))}</SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {field('nationalId', { ltr: true })}
            {field('phone', { ltr: true })}
            {field('city')}
            {field('district')}
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={saving}>
              {t('privacy.cancel')}
            </Button>
            <Button type="submit" loading={saving} data-testid="pdpl-correct-save">
              {t('privacy.correctSave')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * PDPL rights for one beneficiary, on the beneficiary's file: export everything held (JSON +
 * readable HTML), correct their personal data, and record a destruction request (after a
 * confirmation naming the person; HQ carries it out on every device).
 */
export function SubjectRightsPanel({ beneficiary }: { beneficiary: Beneficiary }) {
  const { t } = useTranslation();
  const { db, platform } = useServices();
  const actor = useActor();
  const [message, setMessage] = useState<Message | null>(null);
  const [working, setWorking] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  const [destructionRecorded, setDestructionRecorded] = useState(false);
  const beneficiaryId = beneficiary.id;

  async function exportAll() {
    setWorking(true);
    setMessage(null);
    try {
      const r = await exportSubjectData(db, actor, platform, beneficiaryId);
      setMessage(r.saved ? { kind: 'export', color: 'teal', text: t('privacy.exported') } : { kind: 'export', color: 'gray', text: t('privacy.cancelled') });
    } catch (err) {
      console.error('PDPL export failed', err);
      setMessage({ kind: 'export', color: 'red', text: t('privacy.failed') });
    } finally {
      setWorking(false);
    }
  }

  function requestDestruction() {
    modals.openConfirmModal({
      title: t('privacy.destroyTitle'),
      centered: true,
      children: (
        <Stack gap="xs">
          <Text fw={700} data-testid="pdpl-destroy-name">
            {beneficiary.fullName}
          </Text>
          <Text>{t('privacy.destroyConfirm')}</Text>
        </Stack>
      ),
      labels: { confirm: t('privacy.destroyConfirmButton'), cancel: t('privacy.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'pdpl-destroy-confirm' } as never,
      cancelProps: { 'data-testid': 'pdpl-destroy-cancel' } as never,
      onConfirm: () => {
        recordDestructionRequest(db, actor, beneficiaryId).then(
          () => {
            setDestructionRecorded(true);
            setMessage({ kind: 'destroy', color: 'orange', text: t('privacy.destroyRecorded') });
          },
          (err: unknown) => {
            console.error('destruction request failed', err);
            setMessage({ kind: 'destroy', color: 'red', text: t('privacy.failed') });
          },
        );
      },
    });
  }

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="subject-rights-title" data-testid="subject-rights">
      <Stack gap="sm">
        <Title order={3} id="subject-rights-title">
          {t('privacy.title')}
        </Title>
        <Text c="gray.7">{t('privacy.body')}</Text>
        <Group>
          <Button onClick={() => void exportAll()} loading={working} data-testid="pdpl-export">
            {t('privacy.export')}
          </Button>
          <Button variant="light" onClick={() => setCorrecting(true)} data-testid="pdpl-correct">
            {t('privacy.correct')}
          </Button>
          <Button color="red" variant="light" onClick={requestDestruction} disabled={destructionRecorded} data-testid="pdpl-destroy">
            {t('privacy.destroy')}
          </Button>
        </Group>
        {message && (
          <Alert color={message.color} role="status" data-testid="pdpl-message" data-kind={message.kind}>
            {message.text}
          </Alert>
        )}
      </Stack>
      {correcting && (
        <CorrectionDialog
          beneficiary={beneficiary}
          opened={correcting}
          onClose={() => setCorrecting(false)}
          onSaved={(changed) => {
            setCorrecting(false);
            setMessage({ kind: 'correct', color: changed ? 'teal' : 'gray', text: t(changed ? 'privacy.corrected' : 'privacy.uncorrected') });
          }}
        />
      )}
    </Paper>
  );
}
