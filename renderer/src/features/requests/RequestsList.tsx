/** The branch's requests (#/requests): filter by state and service; long lists are virtualised. */
import { useMemo, useRef, useState } from 'react';
import { Anchor, Badge, Center, Group, Loader, Paper, Select, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { Beneficiary, SupportRequest } from '../../../../shared/schema';
import { procedureStateLabels, procedureStates, type ProcedureState } from '../../../../shared/workflow';
import { findService } from '../../../../shared/policy';
import { useActiveProfile } from '../../state/profile';
import { RequestIcon } from '../../components/icons';
import { SyncBadge } from '../../components/SyncBadge';
import { hrefOf } from '../../navigation';
import { useRecords } from './useRecords';

export interface RequestFilter {
  state: ProcedureState | '';
  serviceId: string;
}

/** Requests matching the filter (empty values match everything), order kept. */
export function filterRequests<R extends Pick<SupportRequest, 'state' | 'serviceId'>>(rows: readonly R[], filter: RequestFilter): R[] {
  return rows.filter((r) => (!filter.state || r.state === filter.state) && (!filter.serviceId || r.serviceId === filter.serviceId));
}

const ROW_HEIGHT = 64;

export function RequestsList() {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const profile = useActiveProfile();
  const requests = useRecords<SupportRequest>('support_requests', {});
  const beneficiaries = useRecords<Beneficiary>('beneficiaries', {});
  const [filter, setFilter] = useState<RequestFilter>({ state: '', serviceId: '' });
  const names = useMemo(() => new Map((beneficiaries ?? []).map((b) => [b.id, b.fullName])), [beneficiaries]);
  const rows = useMemo(() => filterRequests(requests ?? [], filter), [requests, filter]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 8 });
  const date = new Intl.DateTimeFormat(ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium' });

  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t('requests.title')}</Title>
        <Text c="gray.7">{t('requests.subtitle')}</Text>
      </div>
      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="requests-list-title">
        <Stack gap="md">
          <Group justify="space-between" align="flex-end">
            <Title order={3} id="requests-list-title">
              {t('requests.listTitle')}
            </Title>
            <Group gap="sm" align="flex-end">
              <Select
                label={t('requests.filters.state')}
                placeholder={t('requests.filters.all')}
                data={procedureStates.map((s) => ({ value: s, label: ar ? procedureStateLabels[s].ar : procedureStateLabels[s].en }))}
                value={filter.state || null}
                onChange={(v) => setFilter((f) => ({ ...f, state: (v ?? '') as RequestFilter['state'] }))}
                clearable
                data-testid="filter-state"
                w={220}
              />
              <Select
                label={t('requests.filters.service')}
                placeholder={t('requests.filters.all')}
                data={profile.services.map((s) => ({ value: s.id, label: ar ? s.nameAr : s.nameEn }))}
                value={filter.serviceId || null}
                onChange={(v) => setFilter((f) => ({ ...f, serviceId: v ?? '' }))}
                clearable
                data-testid="filter-service"
                w={260}
              />
            </Group>
          </Group>
          {requests === null ? (
            <Center py="xl">
              <Loader aria-label={t('requests.loading')} />
            </Center>
          ) : rows.length === 0 ? (
            <Stack align="center" gap="xs" className="sila-empty-state" data-testid="requests-empty">
              <ThemeIcon size={56} radius="xl" variant="light" color="teal">
                <RequestIcon size={30} />
              </ThemeIcon>
              <Text fw={700} size="lg">
                {requests.length === 0 ? t('requests.emptyTitle') : t('requests.noMatchTitle')}
              </Text>
              <Text c="gray.7" maw={460}>
                {requests.length === 0 ? t('requests.emptyBody') : t('requests.noMatchBody')}
              </Text>
              {requests.length === 0 && <Anchor href={hrefOf('beneficiaries')}>{t('requests.new.toReception')}</Anchor>}
            </Stack>
          ) : (
            <>
              <Text size="sm" c="gray.7" aria-live="polite" data-testid="requests-count">
                {t('requests.count', { count: rows.length })}
              </Text>
              <div ref={scrollRef} style={{ maxHeight: '60vh', overflowY: 'auto' }} data-testid="requests-scroll">
                <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
                  {virtualizer.getVirtualItems().map((item) => {
                    const r = rows[item.index]!;
                    const service = findService(profile, r.serviceId);
                    return (
                      <div
                        role="listitem"
                        key={r.id}
                        data-testid="request-row"
                        data-request-id={r.id}
                        data-state={r.state}
                        style={{ position: 'absolute', insetInlineStart: 0, width: '100%', top: 0, transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                      >
                        <Group justify="space-between" wrap="nowrap" px="sm" h={ROW_HEIGHT - 4} className="sila-request-row">
                          <div style={{ minWidth: 0 }}>
                            <Anchor href={hrefOf('requests', r.id)} fw={600} data-testid="open-request">
                              {names.get(r.beneficiaryId) ?? t('requests.unknownBeneficiary')}
                            </Anchor>
                            <Text size="sm" c="gray.7" truncate>
                              {service ? (ar ? service.nameAr : service.nameEn) : r.serviceId} · {date.format(new Date(r.createdAt))}
                            </Text>
                          </div>
                          <Group gap="xs" wrap="nowrap">
                            <Badge variant="light">{ar ? procedureStateLabels[r.state].ar : procedureStateLabels[r.state].en}</Badge>
                            <SyncBadge record={r} />
                          </Group>
                        </Group>
                      </div>
                    );
                  })}
                </div>
              </div>
            </>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
