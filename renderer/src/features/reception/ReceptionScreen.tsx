/**
 * Reception (الاستقبال), search first: one box finds existing files by a name fragment, an ID or
 * a phone before anyone registers a new beneficiary. #/beneficiaries/<id> opens the file.
 */
import { useDeferredValue, useState } from 'react';
import { Anchor, Badge, Center, Grid, Group, Loader, Paper, ScrollArea, Stack, Table, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Beneficiary } from '../../../../shared/schema';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { useBeneficiaries } from '../../data/useBeneficiaries';
import { displayPhone } from '../../data/beneficiaries';
import { SyncBadge } from '../../components/SyncBadge';
import { PeopleIcon } from '../../components/icons';
import { hrefOf } from '../../navigation';
import type { FeatureScreenProps } from '../index';
import { RegistrationForm } from './RegistrationForm';
import { BeneficiaryFilePage } from './BeneficiaryFile';
import { useReceptionSearch } from './search';
import { useBranchName } from './useBranchName';

/** How many of the newest files the list shows before the person searches. */
const RECENT_LIMIT = 100;

function BeneficiaryRows({ rows, branchId }: { rows: readonly Beneficiary[]; branchId: string }) {
  const { t, i18n } = useTranslation();
  const branchName = useBranchName();
  const dateFormat = new Intl.DateTimeFormat(i18n.language === 'ar' ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium' });
  return (
    <ScrollArea>
      <Table striped highlightOnHover verticalSpacing="sm" data-testid="beneficiary-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('reception.columns.fullName')}</Table.Th>
            <Table.Th>{t('reception.columns.nationalId')}</Table.Th>
            <Table.Th>{t('reception.columns.phone')}</Table.Th>
            <Table.Th>{t('reception.columns.createdAt')}</Table.Th>
            <Table.Th>{t('reception.columns.sync')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((b) => (
            <Table.Tr key={b.id} data-testid="beneficiary-row" data-national-id={b.nationalId}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Anchor href={hrefOf('beneficiaries', b.id)} data-testid="open-file">
                  {b.fullName}
                </Anchor>
                {b.branchId !== branchId && (
                  <Badge ms="xs" variant="light" color="grape" size="sm">
                    {t('reception.otherBranch', { branch: branchName(b.branchId) })}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <span dir="ltr">{b.nationalId}</span>
              </Table.Td>
              <Table.Td>{b.phone ? <span dir="ltr">{displayPhone(b.phone)}</span> : t('reception.noPhone')}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateFormat.format(new Date(b.createdAt))}</Table.Td>
              <Table.Td>
                <SyncBadge record={b} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

function ReceptionHome() {
  const { t } = useTranslation();
  const { db } = useServices();
  const actor = useActor();
  const rows = useBeneficiaries(db);
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const hits = useReceptionSearch(rows, deferred);
  const searching = deferred.trim().length > 0;
  const shown = searching ? hits.map((h) => h.beneficiary) : (rows ?? []).slice(0, RECENT_LIMIT);

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t('reception.title')}</Title>
        <Text c="gray.7">{t('reception.subtitle')}</Text>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, xl: 7 }}>
          <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="beneficiary-list-title">
            <Stack gap="md">
              <Group justify="space-between">
                <Title order={3} id="beneficiary-list-title">
                  {t('reception.listTitle')}
                </Title>
                {rows && rows.length > 0 && (
                  <Text c="gray.7" data-testid="beneficiary-count">
                    {t('reception.count', { count: rows.length })}
                  </Text>
                )}
              </Group>
              <TextInput
                type="search"
                label={t('reception.searchLabel')}
                description={t('reception.searchHint')}
                value={query}
                onChange={(e) => setQuery(e.currentTarget.value)}
                data-testid="reception-search"
                autoComplete="off"
                autoFocus
                maxLength={100}
              />
              {rows === null ? (
                <Center py="xl">
                  <Loader aria-label={t('reception.loading')} />
                </Center>
              ) : rows.length === 0 ? (
                <Stack align="center" gap="xs" className="sila-empty-state" data-testid="beneficiaries-empty">
                  <ThemeIcon size={56} radius="xl" variant="light" color="teal">
                    <PeopleIcon size={30} />
                  </ThemeIcon>
                  <Text fw={700} size="lg">
                    {t('reception.emptyTitle')}
                  </Text>
                  <Text c="gray.7" maw={420}>
                    {t('reception.emptyBody')}
                  </Text>
                </Stack>
              ) : searching && shown.length === 0 ? (
                <Stack align="center" gap="xs" className="sila-empty-state" data-testid="search-empty">
                  <Text fw={700}>{t('reception.noMatchTitle')}</Text>
                  <Text c="gray.7" maw={420}>
                    {t('reception.noMatchBody')}
                  </Text>
                </Stack>
              ) : (
                <>
                  {searching && (
                    <Text size="sm" c="gray.7" data-testid="search-count" aria-live="polite">
                      {t('reception.matches', { count: shown.length })}
                    </Text>
                  )}
                  {!searching && RECENT_LIMIT < rows.length && (
                    <Text size="sm" c="gray.7">
                      {t('reception.recentOnly', { count: RECENT_LIMIT })}
                    </Text>
                  )}
                  <BeneficiaryRows rows={shown} branchId={actor.branchId} />
                </>
              )}
            </Stack>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 5 }}>
          <RegistrationForm existing={rows ?? []} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

export function ReceptionScreen({ params }: FeatureScreenProps) {
  const id = params[0];
  return id ? <BeneficiaryFilePage beneficiaryId={id} /> : <ReceptionHome />;
}
