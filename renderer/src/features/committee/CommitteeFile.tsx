/** The request's whole file, read-only, for the research committee, with the decision form. */
import { Alert, Anchor, Badge, Group, List, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { declarationSnapshotFromRecords, documentTypeLabel, isDeclarationStale, type DeclarationStaleness } from '../../../../shared/casefile';
import { verifyDeclaration, type VerificationResult } from '../../../../shared/declaration';
import { findService } from '../../../../shared/policy';
import { formatCalendarDate } from '../../../../shared/dates';
import type { Beneficiary, BeneficiaryDocument, CommitteeDecision, Declaration, Interview, SupportRequest } from '../../../../shared/schema';
import { procedureStateLabels } from '../../../../shared/workflow/states';
import { hrefOf } from '../../navigation';
import { useActor } from '../../state/actor';
import { useActiveProfile } from '../../state/profile';
import { currentDeclaration } from '../declaration/declarationInput';
import { DeclaredDataReview, useFieldLabel } from '../declaration/DeclaredDataReview';
import { useDualDate } from './CommitteeScreen';
import { CommitteeDeclarationPdf } from './CommitteeDeclarationPdf';
import { CommitteeScan } from './CommitteeScan';
import { DecisionForm } from './DecisionForm';
import { decisionOfCurrentRound } from './queue';
import { useKnownDeviceKeys, useLiveQuery } from './useCommitteeData';
import { answerForDisplay } from '../requests/interview';

const verificationColor: Record<VerificationResult['status'], string> = {
  authentic_current: 'teal',
  authentic_stale: 'orange',
  unknown_device: 'yellow',
  altered: 'red',
};

export function CommitteeFile({ requestId }: { requestId: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'ar';
  const actor = useActor();
  const profile = useActiveProfile();
  const dual = useDualDate();
  const fieldLabel = useFieldLabel();
  const requests = useLiveQuery<SupportRequest>('support_requests', { id: requestId });
  const request = requests?.[0];
  const beneficiaries = useLiveQuery<Beneficiary>('beneficiaries', request ? { id: request.beneficiaryId } : null);
  const documents = useLiveQuery<BeneficiaryDocument>('documents', request ? { beneficiaryId: request.beneficiaryId } : null);
  const interviews = useLiveQuery<Interview>('interviews', { requestId });
  const declarations = useLiveQuery<Declaration>('declarations', { requestId });
  const decisions = useLiveQuery<CommitteeDecision>('committee_decisions', { requestId });
  const knownKeys = useKnownDeviceKeys();
  const beneficiary = beneficiaries?.[0];

  const records = useMemo(
    () => (request && beneficiary && documents ? { request, beneficiary, documents, profile } : null),
    [request, beneficiary, documents, profile],
  );
  const data = useMemo(() => (records ? declarationSnapshotFromRecords(records) : null), [records]);
  const declaration = request && declarations ? currentDeclaration(request, declarations) : undefined;
  const [checks, setChecks] = useState<{ declaration: Declaration; records: object; verification: VerificationResult; staleness: DeclarationStaleness } | null>(null);
  const current = checks && checks.declaration === declaration && checks.records === records ? checks : null;
  const verification = current?.verification ?? null;
  const staleness = current?.staleness ?? null;

  useEffect(() => {
    let live = true;
    if (!declaration || !data || !records || !knownKeys) return;
    Promise.all([verifyDeclaration({ qrPayload: declaration.qrPayload }, data, knownKeys), isDeclarationStale(declaration, records)]).then(
      ([v, s]) => {
        if (live) setChecks({ declaration, records, verification: v, staleness: s });
      },
      (e: unknown) => console.error('verify declaration', e),
    );
    return () => {
      live = false;
    };
  }, [declaration, data, records, knownKeys]);

  if (requests && !request) {
    return (
      <Alert color="orange" data-testid="committee-file-missing">
        {t('committee.fileMissing')} <Anchor href={hrefOf('committee')}>{t('committee.backToQueue')}</Anchor>
      </Alert>
    );
  }
  if (!request || !records || !data || !interviews || !decisions) return <Loader aria-label={t('committee.loading')} />;

  const service = findService(profile, request.serviceId);
  const requestDocs = documents!.filter((d) => d.requestId === request.id || d.requestId === undefined);
  const roundDecision = decisionOfCurrentRound(request, decisions);

  return (
    <Stack gap="md" data-testid="committee-file">
      <Anchor href={hrefOf('committee')} size="sm">
        {t('committee.backToQueue')}
      </Anchor>
      <Group justify="space-between">
        <Title order={2} dir="auto">
          {beneficiary!.fullName}
        </Title>
        <Badge size="lg" variant="light" data-testid="committee-file-state">
          {procedureStateLabels[request.state][lang]}
        </Badge>
      </Group>
      <Text c="dimmed">
        {t('committee.fileIntro', {
          service: (lang === 'ar' ? service?.nameAr : (service?.nameEn ?? service?.nameAr)) ?? request.serviceId,
          submitted: request.submittedAt ? dual(request.submittedAt) : '—',
          earliest: request.earliestReplyDate ? dual(request.earliestReplyDate) : '—',
        })}
      </Text>

      <Paper withBorder p="md" radius="md" data-testid="committee-declaration">
        <Title order={3} size="h4" mb="xs">
          {t('committee.declaration.title')}
        </Title>
        {!declaration ? (
          <Text c="red">{t('committee.declaration.none')}</Text>
        ) : (
          <Stack gap="xs">
            <Text>
              {t('committee.declaration.summary', {
                reference: declaration.reference,
                date: dual(declaration.declaredAt),
                kind: t(`committee.declaration.kind.${declaration.signature.kind}`),
              })}
            </Text>
            {verification ? (
              <Alert color={verificationColor[verification.status]} data-testid="committee-verification" data-status={verification.status}>
                <Text fw={600}>{t(`committee.verification.${verification.status}`)}</Text>
                {verification.status !== 'authentic_current' ? <Text size="sm">{verification.reason[lang]}</Text> : null}
              </Alert>
            ) : (
              <Loader size="sm" aria-label={t('committee.loading')} />
            )}
            <CommitteeDeclarationPdf declaration={declaration} />
            {staleness?.stale && staleness.changedFields.length > 0 ? (
              <Alert color="orange" data-testid="committee-declaration-stale">
                <Text size="sm">{lang === 'ar' ? staleness.messageAr : staleness.messageEn}</Text>
                <List size="sm">
                  {staleness.changedFields.map((f) => (
                    <List.Item key={f}>{fieldLabel(f)}</List.Item>
                  ))}
                </List>
              </Alert>
            ) : null}
          </Stack>
        )}
      </Paper>

      <Paper withBorder p="md" radius="md">
        <Title order={3} size="h4" mb="xs">
          {t('committee.data')}
        </Title>
        <DeclaredDataReview data={data} changedFields={staleness?.stale ? staleness.changedFields : []} />
      </Paper>

      <Paper withBorder p="md" radius="md" data-testid="committee-documents">
        <Title order={3} size="h4" mb="xs">
          {t('committee.documents.title')}
        </Title>
        {requestDocs.length === 0 ? (
          <Text c="dimmed">{t('committee.documents.none')}</Text>
        ) : (
          <Table withTableBorder striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('committee.documents.type')}</Table.Th>
                <Table.Th>{t('committee.documents.expiry')}</Table.Th>
                <Table.Th>{t('committee.documents.verification')}</Table.Th>
                <Table.Th>{t('committee.documents.note')}</Table.Th>
                <Table.Th>{t('committee.documents.scan')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requestDocs.map((d) => (
                <Table.Tr key={d.id} data-testid="committee-document" data-status={d.verification.status}>
                  <Table.Td>{documentTypeLabel(profile, d.type)[lang]}</Table.Td>
                  <Table.Td>{d.expiryDate ? formatCalendarDate(d.expiryDate, { locale: lang }) : '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={d.verification.status === 'verified' ? 'teal' : d.verification.status === 'rejected' ? 'red' : 'yellow'} variant="light">
                      {t(`committee.documents.status.${d.verification.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{d.verification.note ?? '—'}</Table.Td>
                  <Table.Td>
                    <CommitteeScan document={d} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>

      <Paper withBorder p="md" radius="md" data-testid="committee-interviews">
        <Title order={3} size="h4" mb="xs">
          {t('committee.interviews.title')}
        </Title>
        {interviews.length === 0 ? (
          <Text c="dimmed">{t('committee.interviews.none')}</Text>
        ) : (
          <Stack gap="sm">
            {interviews.map((iv) => (
              <Paper key={iv.id} withBorder p="sm" radius="sm">
                <Text fw={600}>
                  {t('committee.interviews.heading', {
                    mode: t(`committee.interviews.mode.${iv.mode}`),
                    date: dual(iv.conductedAt),
                    result: t(`committee.interviews.result.${iv.result}`),
                  })}
                </Text>
                <List size="sm" mt={4}>
                  {iv.answers.map((a) => (
                    <List.Item key={a.questionId}>
                      <Text span fw={500}>
                        {a.question}
                      </Text>
                      {': '}
                      <Text span dir="auto">
                        {answerForDisplay(service?.interview, a.questionId, a.answer, i18n.language === 'en' ? 'en' : 'ar', {
                          yes: t('requests.interview.yes'),
                          no: t('requests.interview.no'),
                        })}
                      </Text>
                    </List.Item>
                  ))}
                </List>
                {iv.notes ? (
                  <Text size="sm" mt={4} dir="auto">
                    {iv.notes}
                  </Text>
                ) : null}
                {iv.referral ? (
                  <Text size="sm" c="dimmed" mt={4}>
                    {t('committee.interviews.referral', { reason: iv.referral.reason })}
                  </Text>
                ) : null}
              </Paper>
            ))}
          </Stack>
        )}
      </Paper>

      {decisions.length > 0 ? (
        <Paper withBorder p="md" radius="md" data-testid="committee-decisions">
          <Title order={3} size="h4" mb="xs">
            {t('committee.history')}
          </Title>
          <List size="sm">
            {[...decisions]
              .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt))
              .map((d) => (
                <List.Item key={d.id}>
                  {t('committee.historyLine', {
                    decision: t(`committee.decisions.${d.decision}`),
                    date: dual(d.decidedAt),
                    members: d.membersPresent.map((m) => m.name).join('، '),
                  })}
                  {d.reasons.length > 0 ? ` — ${d.reasons.join('؛ ')}` : ''}
                </List.Item>
              ))}
          </List>
        </Paper>
      ) : null}

      {roundDecision ? (
        // This round is decided. The branch applies the decision and its new state can come back
        // through the live stream within moments, so say which of the two the file shows.
        <Alert color="blue" data-testid="committee-decided" data-applied={request.state !== 'submitted_to_committee'}>
          {request.state === 'submitted_to_committee'
            ? t('committee.decidedAwaitingBranch', { decision: t(`committee.decisions.${roundDecision.decision}`) })
            : t('committee.decidedApplied', { decision: t(`committee.decisions.${roundDecision.decision}`), state: procedureStateLabels[request.state][lang] })}
        </Alert>
      ) : request.state !== 'submitted_to_committee' ? (
        <Alert color="gray" data-testid="committee-not-waiting">
          {t('committee.notWaiting', { state: procedureStateLabels[request.state][lang] })}
        </Alert>
      ) : actor.role === 'committee_member' ? (
        <DecisionForm request={request} beneficiary={beneficiary!} documents={documents!} profile={profile} />
      ) : (
        <Alert color="blue" data-testid="committee-read-only">
          {t('committee.readOnly')}
        </Alert>
      )}
    </Stack>
  );
}
