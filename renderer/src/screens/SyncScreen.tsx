import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useServices } from '../services';
import { useSession, type SyncPhase } from '../state/session';
import { isRecordSynced, useSyncMarks } from '../state/syncMarks';
import { useBeneficiaries } from '../data/useBeneficiaries';
import { navigate } from '../navigation';

const phaseColor: Record<SyncPhase, string> = {
  idle: 'gray',
  starting: 'blue',
  active: 'blue',
  inSync: 'teal',
  error: 'red',
  follower: 'gray',
  unavailable: 'gray',
};

export function SyncScreen() {
  const { t, i18n } = useTranslation();
  const { db, retrySync } = useServices();
  const online = useSession((s) => s.online);
  const hqUrl = useSession((s) => s.hqUrl);
  const hqReachable = useSession((s) => s.hqReachable);
  const sync = useSession((s) => s.sync);
  const seen = useSyncMarks((s) => s.seen);
  const rows = useBeneficiaries(db);
  const pending = rows ? rows.filter((r) => !isRecordSynced(r, sync.lastSyncAt, seen)).length : null;
  const timeFormat = new Intl.DateTimeFormat(i18n.language === 'ar' ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });

  return (
    <Stack gap="lg" maw={900}>
      <div>
        <Title order={2}>{t('sync.title')}</Title>
        <Text c="dimmed">{t('sync.subtitle')}</Text>
      </div>
      {sync.phase === 'error' && (
        <Alert color="red" variant="light" title={t('sync.states.error')} data-testid="sync-error-hint">
          <Stack gap="sm">
            <Text>{t('sync.errorHint')}</Text>
            <Group>
              <Button size="xs" variant="light" color="red" onClick={retrySync}>
                {t('sync.retry')}
              </Button>
              <Button size="xs" variant="subtle" onClick={() => navigate('settings')}>
                {t('sync.goToSettings')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {sync.phase === 'follower' && (
        <Alert color="gray" variant="light">
          {t('sync.followerHint')}
        </Alert>
      )}
      <Paper withBorder radius="md" p="lg">
        <Table verticalSpacing="sm" data-testid="sync-status">
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w="40%">{t('sync.network')}</Table.Th>
              <Table.Td>
                <Badge color={online ? 'teal' : 'red'} variant="light" data-testid="network-state" data-online={online}>
                  {t(online ? 'sync.online' : 'sync.offline')}
                </Badge>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('sync.hq')}</Table.Th>
              <Table.Td>
                <Group gap="sm">
                  <Badge
                    color={hqReachable === null ? 'gray' : hqReachable ? 'teal' : 'red'}
                    variant="light"
                    data-testid="hq-reachable"
                    data-reachable={String(hqReachable)}
                  >
                    {t(hqReachable === null ? 'sync.hqUnknown' : hqReachable ? 'sync.hqReachable' : 'sync.hqUnreachable')}
                  </Badge>
                  <Text span dir="ltr" data-testid="hq-url">
                    {hqUrl}
                  </Text>
                </Group>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('sync.state')}</Table.Th>
              <Table.Td>
                <Badge color={phaseColor[sync.phase]} variant="light" data-testid="sync-phase" data-phase={sync.phase}>
                  {t(`sync.states.${sync.phase}`)}
                </Badge>
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('sync.lastSync')}</Table.Th>
              <Table.Td data-testid="last-sync">{sync.lastSyncAt ? timeFormat.format(new Date(sync.lastSyncAt)) : t('sync.never')}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('sync.pending')}</Table.Th>
              <Table.Td data-testid="pending-count">{pending ?? '…'}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      </Paper>
      <Paper withBorder radius="md" p="lg">
        <Stack gap="sm">
          <Title order={3}>{t('sync.errors')}</Title>
          {sync.errors.length === 0 ? (
            <Text c="dimmed">{t('sync.noErrors')}</Text>
          ) : (
            <Stack gap="xs" data-testid="sync-errors">
              {sync.errors.map((e, i) => (
                <Group key={`${e.at}-${i}`} gap="sm" wrap="nowrap" align="flex-start">
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {timeFormat.format(new Date(e.at))}
                  </Text>
                  <Text size="sm">
                    {i18n.language === 'ar' ? e.messageAr : e.code === 'NETWORK' ? t('sync.networkError') : e.messageEn}
                  </Text>
                  <Text size="xs" c="dimmed" dir="ltr" style={{ whiteSpace: 'nowrap' }}>
                    {(e.count ?? 1) > 1 ? `${e.code} ×${e.count ?? 1}` : e.code}
                  </Text>
                </Group>
              ))}
            </Stack>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
