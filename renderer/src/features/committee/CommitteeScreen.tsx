/**
 * #/committee — the research committee (لجنة البحث): the queue of submitted requests by earliest
 * reply date (due and overdue ones highlighted), and #/committee/<requestId> — the whole file
 * read-only with the declaration's verification, and the decision form (committee members only).
 */
import { Alert, Anchor, Badge, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { findService } from '../../../../shared/policy';
import type { Beneficiary, CommitteeDecision, SupportRequest } from '../../../../shared/schema';
import { hrefOf } from '../../navigation';
import { useActor } from '../../state/actor';
import { useActiveProfile } from '../../state/profile';
import type { FeatureScreenProps } from '../index';
import { CommitteeFile } from './CommitteeFile';
import { committeeQueue } from './queue';
import { dualDay } from '../declaration/declarationInput';
import { useLiveQuery } from './useCommitteeData';

export function CommitteeScreen({ params }: FeatureScreenProps) {
  const requestId = params[0];
  return requestId ? <CommitteeFile requestId={requestId} /> : <CommitteeQueue />;
}

export function useDualDate(): (iso: string) => string {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'ar';
  return (iso: string) => dualDay(iso, locale);
}

function CommitteeQueue() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ar';
  const actor = useActor();
  const profile = useActiveProfile();
  const dual = useDualDate();
  const requests = useLiveQuery<SupportRequest>('support_requests', { state: 'submitted_to_committee' });
  const ids = useMemo(() => (requests ?? []).map((r) => r.id).sort(), [requests]);
  const beneficiaryIds = useMemo(() => [...new Set((requests ?? []).map((r) => r.beneficiaryId))].sort(), [requests]);
  const decisions = useLiveQuery<CommitteeDecision>('committee_decisions', requests ? { requestId: { $in: ids } } : null);
  const beneficiaries = useLiveQuery<Beneficiary>('beneficiaries', requests ? { id: { $in: beneficiaryIds } } : null);
  const names = new Map((beneficiaries ?? []).map((b) => [b.id, b.fullName]));
  const queue = requests && decisions ? committeeQueue(requests, decisions, new Date(), profile.researchCommittee.minReplyPeriodDays) : null;

  return (
    <Stack gap="md" data-testid="committee-queue">
      <Title order={2}>{t('committee.queueTitle')}</Title>
      <Text c="dimmed">{t('committee.queueIntro', { days: profile.researchCommittee.minReplyPeriodDays })}</Text>
      {actor.role !== 'committee_member' ? (
        <Alert color="blue" data-testid="committee-read-only">
          {t('committee.readOnly')}
        </Alert>
      ) : null}
      {!queue ? (
        <Loader aria-label={t('committee.loading')} />
      ) : queue.length === 0 ? (
        <Paper withBorder p="lg" radius="md" data-testid="committee-empty">
          <Text>{t('committee.empty')}</Text>
        </Paper>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('committee.columns.beneficiary')}</Table.Th>
                <Table.Th>{t('committee.columns.service')}</Table.Th>
                <Table.Th>{t('committee.columns.submitted')}</Table.Th>
                <Table.Th>{t('committee.columns.earliest')}</Table.Th>
                <Table.Th miw={190}>{t('committee.columns.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {queue.map((item) => {
                const service = findService(profile, item.request.serviceId);
                const overdue = item.daysOverdue !== undefined && item.daysOverdue > 0;
                return (
                  <Table.Tr
                    key={item.request.id}
                    data-testid="committee-row"
                    data-request-id={item.request.id}
                    data-overdue={overdue ? 'true' : undefined}
                    style={overdue && !item.decision ? { background: 'var(--mantine-color-red-0)' } : undefined}
                  >
                    <Table.Td>
                      <Anchor href={hrefOf('committee', item.request.id)} dir="auto">
                        {names.get(item.request.beneficiaryId) ?? t('committee.notSynced')}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{(lang === 'ar' ? service?.nameAr : (service?.nameEn ?? service?.nameAr)) ?? item.request.serviceId}</Table.Td>
                    <Table.Td>{dual(item.request.submittedAt!)}</Table.Td>
                    <Table.Td>{dual(item.earliestReplyDate)}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {item.decision ? (
                        <Text size="sm" c="dimmed" style={{ whiteSpace: 'normal' }} data-testid="committee-decided-row">
                          {t('committee.decidedAwaitingBranch', { decision: t(`committee.decisions.${item.decision.decision}`) })}
                        </Text>
                      ) : overdue ? (
                        <Badge color="red" data-testid="committee-overdue">
                          {t('committee.overdue', { days: item.daysOverdue })}
                        </Badge>
                      ) : item.daysOverdue === 0 ? (
                        <Badge color="orange">{t('committee.dueToday')}</Badge>
                      ) : (
                        <Badge color="teal" variant="light">
                          {t('committee.inStudy')}
                        </Badge>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
