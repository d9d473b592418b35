import { useState } from 'react';
import { Alert, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { exportSubjectData, recordDestructionRequest } from './subjectData';

/**
 * PDPL rights for one beneficiary (for the beneficiary's file screen): export everything held
 * (JSON + readable HTML), and record a destruction request. Correction uses the normal edit screens.
 */
export function SubjectRightsPanel({ beneficiaryId }: { beneficiaryId: string }) {
  const { t } = useTranslation();
  const { db, platform } = useServices();
  const actor = useActor();
  const [message, setMessage] = useState<{ color: string; text: string } | null>(null);
  const [working, setWorking] = useState(false);

  async function exportAll() {
    setWorking(true);
    setMessage(null);
    try {
      const r = await exportSubjectData(db, actor, platform, beneficiaryId);
      setMessage(r.saved ? { color: 'teal', text: t('privacy.exported') } : { color: 'gray', text: t('privacy.cancelled') });
    } catch (err) {
      console.error('PDPL export failed', err);
      setMessage({ color: 'red', text: t('privacy.failed') });
    } finally {
      setWorking(false);
    }
  }

  function requestDestruction() {
    modals.openConfirmModal({
      title: t('privacy.destroyTitle'),
      children: <Text>{t('privacy.destroyConfirm')}</Text>,
      labels: { confirm: t('privacy.destroyConfirmButton'), cancel: t('privacy.cancel') },
      confirmProps: { color: 'red' },
      onConfirm: () => {
        recordDestructionRequest(db, actor, beneficiaryId).then(
          () => setMessage({ color: 'orange', text: t('privacy.destroyRecorded') }),
          (err: unknown) => {
            console.error('destruction request failed', err);
            setMessage({ color: 'red', text: t('privacy.failed') });
          },
        );
      },
    });
  }

  return (
    <Paper withBorder radius="md" p="lg" data-testid="subject-rights">
      <Stack gap="sm">
        <Title order={3}>{t('privacy.title')}</Title>
        <Text c="dimmed">{t('privacy.body')}</Text>
        <Group>
          <Button onClick={() => void exportAll()} loading={working} data-testid="pdpl-export">
            {t('privacy.export')}
          </Button>
          <Button color="red" variant="light" onClick={requestDestruction} data-testid="pdpl-destroy">
            {t('privacy.destroy')}
          </Button>
        </Group>
        {message && (
          <Alert color={message.color} role="status" data-testid="pdpl-message">
            {message.text}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}
