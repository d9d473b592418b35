/**
 * Open sync conflicts (issue 6 §5): for each, the record, the fields, the value in the record
 * and the other value side by side with who made each, on which laptop and when; the person
 * chooses per field what stays, and saving writes through the audited write path
 * (data/conflicts.ts). Until then nothing is lost: the other value stays in the conflict.
 */
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncConflict } from '../../../../shared/schema';
import { canResolveConflict, resolveConflict } from '../../data/conflicts';
import { hrefOf } from '../../navigation';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { useLiveQuery } from '../committee/useCommitteeData';
import { choosableFields, currentRaw, sameRaw, valueLines, type ValueWords } from './format';
import { useOpenConflicts, useSyncDirectory, type SyncDirectory } from './useSyncDirectory';

export function useTimeFormat(): (iso: string | undefined) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'ar' ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return (iso) => (iso ? format.format(new Date(iso)) : '');
}

function useFieldLabel(): (path: string) => string {
  const { t } = useTranslation();
  return (path) => {
    const [top = path, ...rest] = path.split('.');
    const label = t(`syncStatus.fields.${top}`, { defaultValue: top });
    return rest.length > 0 ? `${label} › ${rest.join(' › ')}` : label;
  };
}

function recordLink(collection: string, record: Record<string, unknown> | null, id: string): string | null {
  if (collection === 'beneficiaries') return hrefOf('beneficiaries', id);
  if (collection === 'support_requests') return hrefOf('requests', id);
  const requestId = record && typeof record.requestId === 'string' ? record.requestId : null;
  return requestId ? hrefOf('requests', requestId) : null;
}

function Lines({ lines, testId }: { lines: string[]; testId: string }) {
  return (
    <Stack gap={2} data-testid={testId}>
      {lines.map((line, i) => (
        <Text key={i} size="sm" dir="auto" style={{ overflowWrap: 'anywhere' }}>
          {line}
        </Text>
      ))}
    </Stack>
  );
}

function Who({ who, at, device, directory }: { who: string | undefined; at: string | undefined; device?: string; directory: SyncDirectory }) {
  const { t } = useTranslation();
  const time = useTimeFormat();
  // Named from HQ's user directory (hq_config user entries); a short id until it has arrived.
  const person = directory.person(who) ?? (who ? t('syncStatus.conflicts.otherUser', { id: who.slice(0, 8) }) : t('syncStatus.conflicts.unknownPerson'));
  const machine = device ? directory.device(device) : null;
  return (
    <Text size="xs" c="dimmed" fw={400}>
      {t('syncStatus.conflicts.by', { who: person })}
      {at ? ` ${t('syncStatus.conflicts.at', { when: time(at) })}` : ''}
      {device ? ` — ${t('syncStatus.conflicts.onDevice', { device: machine === 'this' ? t('syncStatus.conflicts.thisDevice') : (machine ?? device) })}` : ''}
    </Text>
  );
}

function ConflictCard({ conflict, directory }: { conflict: SyncConflict; directory: SyncDirectory }) {
  const { t, i18n } = useTranslation();
  const { db } = useServices();
  const actor = useActor();
  const time = useTimeFormat();
  const fieldLabel = useFieldLabel();
  const [choices, setChoices] = useState<Record<string, 'ours' | 'theirs'>>({});
  const [saving, setSaving] = useState(false);
  const found = useLiveQuery<Record<string, unknown>>(conflict.collectionName, { id: conflict.documentId });
  const record = found ? (found[0] ?? null) : null;
  const words: ValueWords = {
    empty: t('syncStatus.conflicts.empty'),
    yes: t('syncStatus.conflicts.yes'),
    no: t('syncStatus.conflicts.no'),
    deleted: t('syncStatus.conflicts.deleted'),
    present: t('syncStatus.conflicts.present'),
    hijri: t('syncStatus.conflicts.hijri'),
  };
  const allowed = canResolveConflict(actor, conflict);
  const fields = choosableFields(conflict);
  // The beneficiary the record is about, by name (the record itself, or its beneficiaryId).
  const beneficiaryId = conflict.collectionName === 'beneficiaries' ? conflict.documentId : record && typeof record.beneficiaryId === 'string' ? record.beneficiaryId : null;
  const beneficiary = useLiveQuery<{ fullName?: string }>('beneficiaries', beneficiaryId ? { id: beneficiaryId } : null);
  const name = beneficiary?.[0]?.fullName ?? null;
  const typeLabel = t(`syncStatus.collections.${conflict.collectionName}`, { defaultValue: conflict.collectionName });
  const title = conflict.collectionName === 'beneficiaries' ? (name ?? conflict.documentId) : t('syncStatus.conflicts.recordOf', { type: typeLabel, name: name ?? conflict.documentId });
  const link = recordLink(conflict.collectionName, record, conflict.documentId);
  const detectedOn = directory.device(conflict.detectedOnDevice);

  const save = async () => {
    setSaving(true);
    try {
      const result = await resolveConflict(db, actor, conflict.id, choices);
      if (result.ok) {
        notifications.show({ color: 'teal', title: t('syncStatus.conflicts.savedTitle'), message: t('syncStatus.conflicts.saved'), closeButtonProps: { 'aria-label': t('syncStatus.conflicts.close') } });
      } else {
        const issues = result.issues.map((i) => `${fieldLabel(i.path)}: ${i.message}`).join(' — ');
        notifications.show({
          color: 'red',
          title: t('syncStatus.conflicts.failedTitle'),
          message: `${i18n.language === 'ar' ? result.messageAr : result.messageEn}${issues ? ` (${issues})` : ''}`,
          autoClose: false,
          closeButtonProps: { 'aria-label': t('syncStatus.conflicts.close') },
        });
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <Paper withBorder radius="md" p="lg" data-testid="conflict" data-conflict-id={conflict.id} data-document-id={conflict.documentId}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={2}>
            <Group gap="xs">
              <Title order={3} size="h4" data-testid="conflict-record">
                {title}
              </Title>
              <Badge variant="light" color="gray" tt="none" dir="ltr">
                {conflict.documentId}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed">
              {t('syncStatus.conflicts.detected', {
                when: time(conflict.detectedAt),
                device: detectedOn === 'this' ? t('syncStatus.conflicts.thisDevice') : (detectedOn ?? conflict.detectedOnDevice ?? t('syncStatus.conflicts.unknownPerson')),
              })}
            </Text>
          </Stack>
          {link ? (
            <Anchor href={link} size="sm">
              {t('syncStatus.conflicts.open')}
            </Anchor>
          ) : null}
        </Group>
        {found && !record ? (
          <Alert color="orange" variant="light">
            {t('syncStatus.conflicts.recordMissing')}
          </Alert>
        ) : null}
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" withColumnBorders data-testid="conflict-fields">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w="18%">{t('syncStatus.conflicts.field')}</Table.Th>
                <Table.Th w="29%">
                  <Stack gap={2}>
                    <Text size="sm" fw={700}>
                      {t('syncStatus.conflicts.kept')}
                    </Text>
                    <Who who={conflict.theirsUpdatedBy} at={conflict.theirsUpdatedAt} directory={directory} />
                  </Stack>
                </Table.Th>
                <Table.Th w="29%">
                  <Stack gap={2}>
                    <Text size="sm" fw={700}>
                      {t('syncStatus.conflicts.other')}
                    </Text>
                    <Who who={conflict.oursUpdatedBy ?? conflict.detectedBy} at={conflict.oursUpdatedAt} device={conflict.detectedOnDevice} directory={directory} />
                  </Stack>
                </Table.Th>
                <Table.Th>{t('syncStatus.conflicts.choice')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.map((f) => {
                const now = currentRaw(record, f.path);
                const changed = record !== null && f.path !== '_deleted' && !sameRaw(now, f.theirs);
                const choice = choices[f.path] ?? 'theirs';
                return (
                  <Table.Tr key={f.path} data-testid="conflict-field" data-path={f.path}>
                    <Table.Th scope="row">{fieldLabel(f.path)}</Table.Th>
                    <Table.Td style={{ background: choice === 'theirs' ? 'var(--mantine-color-teal-0)' : undefined }}>
                      <Lines lines={valueLines(f.theirs, f.path, words)} testId="conflict-kept" />
                      {changed ? (
                        <Text size="xs" c="orange.8" mt={4}>
                          {t('syncStatus.conflicts.changedSince', { value: valueLines(now, f.path, words).join('، ') })}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td style={{ background: choice === 'ours' ? 'var(--mantine-color-teal-0)' : undefined }}>
                      <Lines lines={valueLines(f.ours, f.path, words)} testId="conflict-other" />
                    </Table.Td>
                    <Table.Td>
                      <SegmentedControl
                        size="xs"
                        color="teal"
                        value={choice}
                        disabled={!allowed.allowed || saving}
                        onChange={(v) => setChoices((c) => ({ ...c, [f.path]: v as 'ours' | 'theirs' }))}
                        data={[
                          { value: 'theirs', label: t('syncStatus.conflicts.keepKept') },
                          { value: 'ours', label: t('syncStatus.conflicts.useOther') },
                        ]}
                        aria-label={`${t('syncStatus.conflicts.choice')}: ${fieldLabel(f.path)}`}
                        data-testid="conflict-choice"
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {allowed.allowed ? (
          <Group justify="flex-end">
            <Button color="teal" onClick={() => void save()} loading={saving} data-testid="conflict-save">
              {t('syncStatus.conflicts.save')}
            </Button>
          </Group>
        ) : (
          <Alert color="gray" variant="light" data-testid="conflict-not-allowed">
            {t('syncStatus.conflicts.notAllowed')}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

export function ConflictsList() {
  const { t } = useTranslation();
  const conflicts = useOpenConflicts();
  const directory = useSyncDirectory();
  if (!conflicts) return <Loader aria-label={t('syncStatus.conflicts.loading')} />;
  return (
    <Stack gap="md" data-testid="conflicts-list" data-count={conflicts.length}>
      <Text c="dimmed">{t('syncStatus.conflicts.intro')}</Text>
      {conflicts.length === 0 ? (
        <Paper withBorder radius="md" p="lg" data-testid="conflicts-none">
          <Text>{t('syncStatus.conflicts.none')}</Text>
        </Paper>
      ) : (
        conflicts.map((c) => <ConflictCard key={c.id} conflict={c} directory={directory} />)
      )}
    </Stack>
  );
}

