/** The declared data, readable: what the applicant certifies (also shown read-only to the committee). */
import { Badge, List, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { DeclaredData } from '../../../../shared/declaration';

/** "household.members[0].name" → a readable label in the UI language. */
export function useFieldLabel(): (path: string) => string {
  const { t } = useTranslation();
  return (path: string) => {
    const index = /\[(\d+)\]/.exec(path);
    const key = path.replace(/\[\d+\]/g, '').replace(/\./g, '_');
    const label = t(`declaration.paths.${key}`, { defaultValue: path });
    return index ? `${label} (${Number(index[1]) + 1})` : label;
  };
}

function Row({ label, value, changed }: { label: string; value: string | number | undefined; changed?: boolean }) {
  const { t } = useTranslation();
  if (value === undefined || value === '') return null;
  return (
    <Table.Tr data-changed={changed ? 'true' : undefined} style={changed ? { background: 'var(--mantine-color-orange-0)' } : undefined}>
      <Table.Th scope="row" w="35%">
        {label}
      </Table.Th>
      <Table.Td>
        <Text span dir="auto">
          {value}
        </Text>
        {changed ? (
          <Badge ms="xs" color="orange" variant="light">
            {t('declaration.stale.changedBadge')}
          </Badge>
        ) : null}
      </Table.Td>
    </Table.Tr>
  );
}

export function DeclaredDataReview({ data, changedFields = [] }: { data: DeclaredData; changedFields?: readonly string[] }) {
  const { t } = useTranslation();
  const changed = (prefix: string) => changedFields.some((f) => f === prefix || f.startsWith(`${prefix}.`) || f.startsWith(`${prefix}[`));
  const b = data.beneficiary;
  return (
    <Stack gap="sm" data-testid="declared-data">
      <Title order={3} size="h5">
        {t('declaration.review.beneficiary')}
      </Title>
      <Table withTableBorder variant="vertical" layout="fixed">
        <Table.Tbody>
          <Row label={t('declaration.paths.beneficiary_fullName')} value={b.fullName} changed={changed('beneficiary.fullName')} />
          <Row label={t('declaration.paths.beneficiary_nationalId')} value={b.nationalId} changed={changed('beneficiary.nationalId')} />
          <Row label={t('declaration.paths.beneficiary_nationality')} value={b.nationality} changed={changed('beneficiary.nationality')} />
          <Row label={t('declaration.paths.beneficiary_dateOfBirth')} value={b.dateOfBirth} changed={changed('beneficiary.dateOfBirth')} />
          <Row label={t('declaration.paths.beneficiary_maritalStatus')} value={b.maritalStatus} changed={changed('beneficiary.maritalStatus')} />
          <Row label={t('declaration.paths.beneficiary_mobile')} value={b.mobile} changed={changed('beneficiary.mobile')} />
          <Row label={t('declaration.paths.beneficiary_address')} value={b.address} changed={changed('beneficiary.address')} />
        </Table.Tbody>
      </Table>
      <Title order={3} size="h5">
        {t('declaration.review.household', { count: data.household.membersCount })}
      </Title>
      {data.household.members.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('declaration.review.noMembers')}
        </Text>
      ) : (
        <Table withTableBorder striped data-changed={changed('household') ? 'true' : undefined}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('declaration.paths.household_members_name')}</Table.Th>
              <Table.Th>{t('declaration.paths.household_members_relation')}</Table.Th>
              <Table.Th>{t('declaration.paths.household_members_nationalId')}</Table.Th>
              <Table.Th>{t('declaration.paths.household_members_age')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.household.members.map((m, i) => (
              <Table.Tr key={`${m.name}-${i}`} style={changed(`household.members[${i}]`) ? { background: 'var(--mantine-color-orange-0)' } : undefined}>
                <Table.Td dir="auto">{m.name}</Table.Td>
                <Table.Td>{m.relation}</Table.Td>
                <Table.Td>{m.nationalId ?? t('declaration.review.none')}</Table.Td>
                <Table.Td>{m.age ?? t('declaration.review.none')}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Title order={3} size="h5">
        {t('declaration.review.request')}
      </Title>
      <Table withTableBorder variant="vertical" layout="fixed">
        <Table.Tbody>
          <Row label={t('declaration.paths.service_name')} value={data.service.name} changed={changed('service')} />
          <Row label={t('declaration.paths.channel_name')} value={data.channel.name} changed={changed('channel')} />
          <Row label={t('declaration.paths.request_description')} value={data.request.description} changed={changed('request.description')} />
        </Table.Tbody>
      </Table>
      <Title order={3} size="h5">
        {t('declaration.review.documents')}
      </Title>
      <List spacing={4} size="sm">
        {data.documents.map((d, i) => (
          <List.Item key={`${d.name}-${i}`} style={changed(`documents[${i}]`) ? { background: 'var(--mantine-color-orange-0)' } : undefined}>
            <Text span>{d.name}</Text>{' '}
            <Badge size="sm" variant="light" color={!d.presented ? 'red' : d.verified ? 'teal' : 'yellow'}>
              {!d.presented ? t('declaration.review.docMissing') : d.verified ? t('declaration.review.docVerified') : t('declaration.review.docUnverified')}
            </Badge>
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}
