import { Badge, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '../state/session';
import { isRecordSynced, useSyncMarks } from '../state/syncMarks';

export function SyncBadge({ record }: { record: { id: string; updatedAt: string } }) {
  const { t } = useTranslation();
  const lastSyncAt = useSession((s) => s.sync.lastSyncAt);
  const seen = useSyncMarks((s) => s.seen);
  const synced = isRecordSynced(record, lastSyncAt, seen);
  return (
    <Tooltip label={t(synced ? 'syncBadge.syncedHint' : 'syncBadge.pendingHint')} multiline maw={260}>
      <Badge
        tt="none"
        variant="light"
        color={synced ? 'teal' : 'orange'}
        data-testid="sync-badge"
        data-sync-state={synced ? 'synced' : 'pending'}
      >
        {t(synced ? 'syncBadge.synced' : 'syncBadge.pending')}
      </Badge>
    </Tooltip>
  );
}
