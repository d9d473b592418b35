/** The sync indicator in the app header: the state, a first sync's progress, and open conflicts; opens the sync panel. */
import { Badge, Group, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { hrefOf } from '../../navigation';
import { useSession, type SyncPhase } from '../../state/session';
import { useOpenConflicts } from './useSyncDirectory';

const phaseColor: Record<SyncPhase, string> = {
  idle: 'gray',
  starting: 'blue',
  active: 'blue',
  inSync: 'teal',
  error: 'orange',
  follower: 'gray',
  unavailable: 'gray',
};

export function HeaderSyncState() {
  const { t, i18n } = useTranslation();
  const phase = useSession((s) => s.sync.phase);
  const online = useSession((s) => s.online);
  const firstSync = useSession((s) => s.sync.firstSync);
  const conflicts = useOpenConflicts();
  const percent = firstSync && !firstSync.done && firstSync.expected > 0 ? Math.min(100, Math.round((firstSync.received / firstSync.expected) * 100)) : null;
  return (
    <Group gap={6} wrap="nowrap">
      <Badge
        component="a"
        href={hrefOf('sync')}
        variant="dot"
        tt="none"
        color={online ? phaseColor[phase] : 'red'}
        style={{ cursor: 'pointer' }}
        data-testid="header-sync-state"
      >
        {online ? t(`sync.states.${phase}`) : t('sync.offline')}
        {percent !== null ? ` · ${new Intl.NumberFormat(i18n.language === 'ar' ? 'ar-SA-u-nu-latn' : 'en-GB', { style: 'percent' }).format(percent / 100)}` : ''}
      </Badge>
      {conflicts && conflicts.length > 0 ? (
        <Tooltip label={t('syncStatus.openConflicts')}>
          <Badge component="a" href={hrefOf('sync', 'conflicts')} color="orange" variant="filled" tt="none" style={{ cursor: 'pointer' }} data-testid="header-conflicts" data-count={conflicts.length}>
            {t('syncStatus.headerConflicts', { count: conflicts.length })}
          </Badge>
        </Tooltip>
      ) : null}
    </Group>
  );
}
