/**
 * #/sync — the sync panel (issue 6 §6), reached from the sync badge in the header: network
 * and HQ state, the live connection, last successful sync, local changes HQ has not confirmed
 * (counted from RxDB's replication bookkeeping, per record type), the first sync's progress, the
 * errors (a rejected record named with its fields), "sync now"; and #/sync/conflicts — the open
 * conflicts with both values side by side (ConflictsList).
 */
import { Alert, Anchor, Badge, Button, Group, List, Paper, Progress, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { navigate, hrefOf } from '../../navigation';
import { useServices } from '../../services';
import { useSession, type SyncPhase } from '../../state/session';
import type { FeatureScreenProps } from '../index';
import { ConflictsList, useTimeFormat } from './ConflictsList';
import { useOpenConflicts } from './useSyncDirectory';

const phaseColor: Record<SyncPhase, string> = {
  idle: 'gray',
  starting: 'blue',
  active: 'blue',
  inSync: 'teal',
  error: 'red',
  follower: 'gray',
  unavailable: 'gray',
};

function FirstSync() {
  const { t, i18n } = useTranslation();
  const progress = useSession((s) => s.sync.firstSync);
  if (!progress || progress.done) return null;
  const number = new Intl.NumberFormat(i18n.language === 'ar' ? 'ar-SA-u-nu-latn' : 'en-GB');
  const percent = progress.expected > 0 ? Math.min(100, Math.round((progress.received / progress.expected) * 100)) : 0;
  return (
    <Alert color="blue" variant="light" title={t('syncStatus.firstSync.title')} data-testid="first-sync" data-received={progress.received} data-expected={progress.expected}>
      <Stack gap="xs">
        <Text size="sm">{t('syncStatus.firstSync.body')}</Text>
        <Progress value={percent} size="lg" color="blue" striped animated aria-label={t('syncStatus.firstSync.title')} />
        <Text size="sm" fw={600}>
          {t('syncStatus.firstSync.progress', { received: number.format(progress.received), expected: number.format(progress.expected) })}
        </Text>
      </Stack>
    </Alert>
  );
}

function Pending() {
  const { t } = useTranslation();
  const pending = useSession((s) => s.sync.pending);
  if (!pending) return <Text span>{t('syncStatus.pendingCounting')}</Text>;
  const entries = Object.entries(pending.byCollection).sort(([, a], [, b]) => b - a);
  return (
    <Stack gap={4}>
      <Group gap="xs">
        <Text span fw={600} data-testid="pending-count" data-total={pending.total}>
          {pending.complete ? String(pending.total) : t('syncStatus.pendingAtLeast', { count: pending.total })}
        </Text>
        {pending.total === 0 ? (
          <Text span size="sm" c="dimmed">
            {t('syncStatus.pendingNone')}
          </Text>
        ) : null}
      </Group>
      {entries.length > 0 ? (
        <>
          <List size="sm" spacing={2} data-testid="pending-breakdown" aria-label={t('syncStatus.pendingBreakdown')}>
            {entries.map(([name, count]) => (
              <List.Item key={name} data-collection={name}>
                {t(`syncStatus.collections.${name}`, { defaultValue: name })}: {count}
              </List.Item>
            ))}
          </List>
          <Text size="xs" c="dimmed" maw={420}>
            {t('syncStatus.pendingHint')}
          </Text>
        </>
      ) : null}
    </Stack>
  );
}

function StatusPanel() {
  const { t, i18n } = useTranslation();
  const { retrySync } = useServices();
  const online = useSession((s) => s.online);
  const hqUrl = useSession((s) => s.hqUrl);
  const hqReachable = useSession((s) => s.hqReachable);
  const sync = useSession((s) => s.sync);
  const conflicts = useOpenConflicts();
  const time = useTimeFormat();

  return (
    <Stack gap="lg">
      {sync.phase === 'error' && (
        <Alert color="red" variant="light" title={t('sync.states.error')} data-testid="sync-error-hint">
          <Stack gap="sm">
            <Text>{t('sync.errorHint')}</Text>
            <Group>
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
      <FirstSync />
      <Paper withBorder radius="md" p="lg">
        <Stack gap="md">
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
                    <Badge color={hqReachable === null ? 'gray' : hqReachable ? 'teal' : 'red'} variant="light" data-testid="hq-reachable" data-reachable={String(hqReachable)}>
                      {t(hqReachable === null ? 'sync.hqUnknown' : hqReachable ? 'sync.hqReachable' : 'sync.hqUnreachable')}
                    </Badge>
                    <Text span dir="ltr" size="sm" data-testid="hq-url">
                      {hqUrl}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('syncStatus.stream')}</Table.Th>
                <Table.Td>
                  <Badge color={sync.streamConnected ? 'teal' : 'gray'} variant="light" data-testid="stream-state" data-connected={sync.streamConnected}>
                    {t(sync.streamConnected ? 'syncStatus.streamConnected' : 'syncStatus.streamDisconnected')}
                  </Badge>
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
                <Table.Td data-testid="last-sync">{sync.lastSyncAt ? time(sync.lastSyncAt) : t('sync.never')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('sync.pending')}</Table.Th>
                <Table.Td>
                  <Pending />
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('syncStatus.openConflicts')}</Table.Th>
                <Table.Td>
                  {conflicts && conflicts.length > 0 ? (
                    <Group gap="sm">
                      <Badge color="orange" variant="filled" data-testid="open-conflicts" data-count={conflicts.length}>
                        {conflicts.length}
                      </Badge>
                      <Anchor href={hrefOf('sync', 'conflicts')} size="sm">
                        {t('syncStatus.showConflicts')}
                      </Anchor>
                    </Group>
                  ) : (
                    <Text span size="sm" c="dimmed" data-testid="open-conflicts" data-count={0}>
                      {t('syncStatus.openConflictsNone')}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" c="dimmed" maw={520}>
              {t('syncStatus.syncNowHint')}
            </Text>
            <Button color="teal" onClick={retrySync} data-testid="sync-now">
              {t('syncStatus.syncNow')}
            </Button>
          </Group>
        </Stack>
      </Paper>
      <Paper withBorder radius="md" p="lg">
        <Stack gap="sm">
          <Title order={3}>{t('sync.errors')}</Title>
          {sync.errors.length === 0 ? (
            <Text c="dimmed">{t('sync.noErrors')}</Text>
          ) : (
            <Stack gap="sm" data-testid="sync-errors">
              {sync.errors.map((e, i) => (
                <Paper key={`${e.at}-${i}`} withBorder radius="sm" p="sm" data-testid="sync-error" data-code={e.code} data-document-id={e.documentId ?? undefined}>
                  <Stack gap={4}>
                    <Group gap="sm" justify="space-between" wrap="nowrap" align="flex-start">
                      <Text size="sm">{i18n.language === 'ar' ? e.messageAr : e.code === 'NETWORK' ? t('sync.networkError') : e.messageEn}</Text>
                      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                        {time(e.at)}
                      </Text>
                    </Group>
                    <Group gap="xs">
                      <Badge size="sm" variant="light" color="gray" tt="none">
                        {e.collection ? t(`syncStatus.collections.${e.collection}`, { defaultValue: e.collection }) : t('syncStatus.errors.liveConnection')}
                      </Badge>
                      {e.documentId ? (
                        <Text size="xs" c="dimmed">
                          {t('syncStatus.errors.record')}:{' '}
                          <Text span dir="ltr" size="xs">
                            {e.documentId}
                          </Text>
                        </Text>
                      ) : null}
                      <Text size="xs" c="dimmed" dir="ltr">
                        {e.code}
                      </Text>
                      {(e.count ?? 1) > 1 ? (
                        <Text size="xs" c="dimmed">
                          {t('syncStatus.errors.repeated', { count: e.count ?? 1 })}
                        </Text>
                      ) : null}
                    </Group>
                    {e.issues && e.issues.length > 0 ? (
                      <List size="xs" spacing={2} data-testid="sync-error-issues">
                        {e.issues.map((issue, j) => (
                          <List.Item key={j}>
                            <Text span size="xs" fw={600}>
                              {t(`syncStatus.fields.${issue.path.split('.')[0] ?? issue.path}`, { defaultValue: issue.path || t('syncStatus.errors.record') })}
                            </Text>
                            {': '}
                            <Text span size="xs">
                              {issue.message}
                            </Text>
                          </List.Item>
                        ))}
                      </List>
                    ) : null}
                  </Stack>
                </Paper>
              ))}
            </Stack>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}

export function SyncStatusScreen({ params }: FeatureScreenProps) {
  const { t } = useTranslation();
  const conflicts = useOpenConflicts();
  const tab = params[0] === 'conflicts' ? 'conflicts' : 'status';
  const count = conflicts?.length ?? 0;
  return (
    <Stack gap="lg" maw={1040}>
      <div>
        <Title order={2}>{t('sync.title')}</Title>
        <Text c="dimmed">{t('sync.subtitle')}</Text>
      </div>
      <Tabs value={tab} onChange={(v) => (v === 'conflicts' ? navigate('sync', 'conflicts') : navigate('sync'))} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="status" data-testid="sync-tab-status">
            {t('syncStatus.tabs.status')}
          </Tabs.Tab>
          <Tabs.Tab
            value="conflicts"
            data-testid="sync-tab-conflicts"
            rightSection={
              count > 0 ? (
                <Badge size="sm" color="orange" variant="filled" circle>
                  {count}
                </Badge>
              ) : null
            }
          >
            {t('syncStatus.tabs.conflicts')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="status" pt="lg">
          <StatusPanel />
        </Tabs.Panel>
        <Tabs.Panel value="conflicts" pt="lg">
          <ConflictsList />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
