/** The beneficiary's file (ملف المستفيد): who they are, their requests, and every contact with them. */
import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Grid,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Timeline,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Beneficiary, ContactLog, SupportRequest } from '../../../../shared/schema';
import { contactDirections, contactSubjects, referralTargets } from '../../../../shared/schema/contactLog';
import { formatCalendarDate } from '../../../../shared/dates/format';
import { genderLabels, householdRelationLabels, maritalStatusLabel, nationalityLabel } from '../../../../shared/casefile';
import { procedureStateLabels } from '../../../../shared/workflow';
import { findService } from '../../../../shared/policy';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { useActiveProfile } from '../../state/profile';
import { save } from '../requests/persist';
import { displayPhone, newRecordId } from '../../data/beneficiaries';
import { hrefOf } from '../../navigation';
import { useRecord, useRecords } from '../requests/useRecords';
import { newRequestHref } from '../requests/routes';
import { BeneficiaryEdit, useStaleDeclarations } from './BeneficiaryEdit';
import { can } from '../../../../shared/access';
import { SubjectRightsPanel } from '../privacy/SubjectRightsPanel';
import { DestroyedNotice, useDestructionRequested } from '../privacy/DestroyedNotice';
import { useBranchName } from './useBranchName';

type Direction = (typeof contactDirections)[number];
type Subject = (typeof contactSubjects)[number];
type ReferralTarget = (typeof referralTargets)[number];

interface ContactForm {
  channelId: string;
  direction: Direction;
  subject: Subject;
  summary: string;
  referralTo: ReferralTarget | '';
  referralNote: string;
}

function Detail({ label, value, ltr }: { label: string; value: string | undefined; ltr?: boolean }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="xs" c="gray.7">
        {label}
      </Text>
      <Text>{value ? ltr ? <span dir="ltr">{value}</span> : value : t('reception.notRecorded')}</Text>
    </div>
  );
}

function ContactLogPanel({ beneficiary }: { beneficiary: Beneficiary }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const actor = useActor();
  const profile = useActiveProfile();
  const logs = useRecords<ContactLog>('contact_logs', { beneficiaryId: beneficiary.id }, 'at');
  const firstChannel = profile.channels[0]?.id ?? '';
  const empty: ContactForm = { channelId: firstChannel, direction: 'inbound', subject: 'inquiry', summary: '', referralTo: '', referralNote: '' };
  const [form, setForm] = useState<ContactForm>(empty);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const channelLabel = (id: string) => {
    const c = profile.channels.find((x) => x.id === id);
    return c ? (ar ? c.labelAr : c.labelEn) : id;
  };
  const dateTime = new Intl.DateTimeFormat(ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next: Record<string, string> = {};
    if (!form.channelId) next.channelId = t('reception.contact.errors.channel');
    if (!form.summary.trim()) next.summary = t('reception.contact.errors.summary');
    setProblems(next);
    if (Object.keys(next).length > 0) return;
    setSaving(true);
    try {
      const now = new Date().toISOString();
      const result = await save(db, actor, 'contact_logs', {
        id: newRecordId(),
        channelId: form.channelId,
        direction: form.direction,
        at: now,
        subject: form.subject,
        handledBy: actor.userId,
        beneficiaryId: beneficiary.id,
        summary: form.summary.trim(),
        ...(form.referralTo ? { referral: { to: form.referralTo, ...(form.referralNote.trim() ? { note: form.referralNote.trim() } : {}) } } : {}),
      });
      if (!result.ok) {
        const fromIssues: Record<string, string> = {};
        for (const i of result.issues) fromIssues[i.path.startsWith('referral') ? 'referralNote' : i.path] = i.message;
        setProblems(fromIssues);
        notifications.show({ closeButtonProps: { 'aria-label': t('reception.close') }, color: 'red', title: t('reception.saveFailedTitle'), message: ar ? result.messageAr : result.messageEn, autoClose: false });
        return;
      }
      setForm({ ...empty, channelId: form.channelId });
      notifications.show({ closeButtonProps: { 'aria-label': t('reception.close') }, color: 'teal', title: t('reception.contact.savedTitle'), message: t('reception.contact.savedBody') });
    } finally {
      setSaving(false);
    }
  }

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="contact-log-title">
      <Stack gap="md">
        <Title order={3} id="contact-log-title">
          {t('reception.contact.title')}
        </Title>
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="contact-form">
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                name="channelId"
                label={t('reception.contact.channel')}
                data={profile.channels.map((c) => ({ value: c.id, label: ar ? c.labelAr : c.labelEn }))}
                value={form.channelId || null}
                onChange={(v) => {
                  setForm((p) => ({ ...p, channelId: v ?? '' }));
                  setProblems((p) => ({ ...p, channelId: '' }));
                }}
                error={problems.channelId || undefined}
                required
                data-testid="contact-channel"
              />
              <Select
                name="subject"
                label={t('reception.contact.subject')}
                data={contactSubjects.map((s) => ({ value: s, label: t(`reception.contact.subjects.${s}`) }))}
                value={form.subject}
                onChange={(v) => setForm((p) => ({ ...p, subject: (v ?? 'inquiry') as Subject }))}
                allowDeselect={false}
              />
            </SimpleGrid>
            <div>
              <Text size="sm" fw={500} id="contact-direction-label">
                {t('reception.contact.direction')}
              </Text>
              <SegmentedControl
                aria-labelledby="contact-direction-label"
                value={form.direction}
                onChange={(v) => setForm((p) => ({ ...p, direction: v === 'outbound' ? 'outbound' : 'inbound' }))}
                data={contactDirections.map((d) => ({ value: d, label: t(`reception.contact.directions.${d}`) }))}
              />
            </div>
            <Textarea
              name="summary"
              label={t('reception.contact.summary')}
              value={form.summary}
              onChange={(e) => {
                const v = e.currentTarget.value;
                setForm((p) => ({ ...p, summary: v }));
                setProblems((p) => ({ ...p, summary: '' }));
              }}
              error={problems.summary || undefined}
              autosize
              minRows={2}
              maxLength={4000}
              required
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                name="referralTo"
                label={t('reception.contact.referralTo')}
                description={t('reception.contact.referralHint')}
                data={referralTargets.map((r) => ({ value: r, label: t(`reception.contact.referralTargets.${r}`) }))}
                value={form.referralTo || null}
                onChange={(v) => setForm((p) => ({ ...p, referralTo: (v ?? '') as ContactForm['referralTo'] }))}
                clearable
                data-testid="contact-referral"
              />
              {form.referralTo && (
                <Textarea
                  name="referralNote"
                  label={t('reception.contact.referralNote')}
                  value={form.referralNote}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    setForm((p) => ({ ...p, referralNote: v }));
                  }}
                  error={problems.referralNote || undefined}
                  autosize
                  maxLength={1000}
                />
              )}
            </SimpleGrid>
            <Group justify="flex-end">
              <Button type="submit" loading={saving} data-testid="contact-submit">
                {t('reception.contact.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
        {logs === null ? (
          <Center py="md">
            <Loader size="sm" aria-label={t('reception.loading')} />
          </Center>
        ) : logs.length === 0 ? (
          <Text c="gray.7" data-testid="contact-empty">
            {t('reception.contact.empty')}
          </Text>
        ) : (
          <Timeline bulletSize={14} lineWidth={2} data-testid="contact-log">
            {logs.map((log) => (
              <Timeline.Item
                key={log.id}
                data-testid="contact-entry"
                data-channel={log.channelId}
                title={
                  <Group gap="xs">
                    <Badge variant="light">{channelLabel(log.channelId)}</Badge>
                    <Text size="sm">{t(`reception.contact.directions.${log.direction}`)}</Text>
                    <Text size="sm" c="gray.7">
                      {t(`reception.contact.subjects.${log.subject}`)}
                    </Text>
                  </Group>
                }
              >
                <Text size="sm">{log.summary}</Text>
                {log.referral && (
                  <Text size="sm" c="orange.8" data-testid="contact-referral-entry">
                    {t('reception.contact.referredTo', { to: t(`reception.contact.referralTargets.${log.referral.to}`) })}
                    {log.referral.note ? ` — ${log.referral.note}` : ''}
                  </Text>
                )}
                <Text size="xs" c="gray.7">
                  {dateTime.format(new Date(log.at))}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>
    </Paper>
  );
}

function RequestsOfBeneficiary({ beneficiary }: { beneficiary: Beneficiary }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const profile = useActiveProfile();
  const requests = useRecords<SupportRequest>('support_requests', { beneficiaryId: beneficiary.id });
  const staleDeclarations = useStaleDeclarations(beneficiary, requests);
  const date = new Intl.DateTimeFormat(ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium' });
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="beneficiary-requests-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} id="beneficiary-requests-title">
            {t('reception.file.requests')}
          </Title>
          <Button component="a" href={newRequestHref(beneficiary.id)} data-testid="new-request">
            {t('reception.file.newRequest')}
          </Button>
        </Group>
        {requests === null ? (
          <Center py="md">
            <Loader size="sm" aria-label={t('reception.loading')} />
          </Center>
        ) : requests.length === 0 ? (
          <Text c="gray.7" data-testid="beneficiary-requests-empty">
            {t('reception.file.noRequests')}
          </Text>
        ) : (
          <Table verticalSpacing="xs" data-testid="beneficiary-requests">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('reception.file.service')}</Table.Th>
                <Table.Th>{t('reception.file.state')}</Table.Th>
                <Table.Th>{t('reception.columns.createdAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {requests.map((r) => {
                const service = findService(profile, r.serviceId);
                return (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor href={hrefOf('requests', r.id)}>{service ? (ar ? service.nameAr : service.nameEn) : r.serviceId}</Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        <Badge variant="light">{ar ? procedureStateLabels[r.state].ar : procedureStateLabels[r.state].en}</Badge>
                        {staleDeclarations.has(r.id) && (
                          <Anchor href={hrefOf('requests', r.id, 'declaration')} size="sm" c="orange.9" data-testid="request-declaration-stale">
                            {t('reception.file.declarationStale')}
                          </Anchor>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{date.format(new Date(r.createdAt))}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}

export function BeneficiaryFilePage({ beneficiaryId }: { beneficiaryId: string }) {
  const { t, i18n } = useTranslation();
  const branchName = useBranchName();
  const ar = i18n.language === 'ar';
  const locale = ar ? 'ar' : 'en';
  const actor = useActor();
  const b = useRecord<Beneficiary>('beneficiaries', beneficiaryId);
  const destroyed = useDestructionRequested(beneficiaryId);
  const [editing, setEditing] = useState(false);
  if (b === undefined) {
    return (
      <Center py="xl">
        <Loader aria-label={t('reception.loading')} />
      </Center>
    );
  }
  if (b === null && destroyed) return <DestroyedNotice />;
  if (b === null) {
    return (
      <Alert color="orange" title={t('reception.file.missingTitle')} data-testid="beneficiary-missing">
        <Stack gap="xs">
          <Text>{t('reception.file.missingBody')}</Text>
          <Anchor href={hrefOf('beneficiaries')}>{t('reception.backToReception')}</Anchor>
        </Stack>
      </Alert>
    );
  }
  const bi = (x: { ar: string; en: string }) => (ar ? x.ar : x.en);
  return (
    <Stack gap="lg" data-testid="beneficiary-file">
      <div>
        <Anchor href={hrefOf('beneficiaries')} size="sm">
          {t('reception.backToReception')}
        </Anchor>
        <Group gap="sm">
          <Title order={2}>{b.fullName}</Title>
          {b.branchId !== actor.branchId && (
            <Badge variant="light" color="grape">
              {t('reception.otherBranch', { branch: branchName(b.branchId) })}
            </Badge>
          )}
        </Group>
      </div>
      {editing ? (
        // The whole width while editing: the form is the registration form, with its two-column rows.
        <BeneficiaryEdit beneficiary={b} onClose={() => setEditing(false)} />
      ) : (
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack gap="lg">
            <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="beneficiary-details-title">
              <Stack gap="sm">
                <Group justify="space-between">
                  <Title order={3} id="beneficiary-details-title">
                    {t('reception.file.details')}
                  </Title>
                  {can(actor, 'update', 'beneficiaries', { branchId: b.branchId }).allowed && (
                    <Button variant="light" size="xs" onClick={() => setEditing(true)} data-testid="edit-beneficiary">
                      {t('reception.edit.action')}
                    </Button>
                  )}
                </Group>
                <SimpleGrid cols={2}>
                  <Detail label={t('reception.fields.nationalId')} value={b.nationalId} ltr />
                  <Detail label={t('reception.fields.phone')} value={b.phone ? displayPhone(b.phone) : undefined} ltr />
                  <Detail label={t('reception.fields.birthDate')} value={b.birthDate ? formatCalendarDate(b.birthDate, { locale }) : undefined} />
                  <Detail label={t('reception.fields.gender')} value={b.gender ? bi(genderLabels[b.gender]) : undefined} />
                  <Detail label={t('reception.fields.nationality')} value={b.nationality ? bi(nationalityLabel(b.nationality)) : undefined} />
                  <Detail label={t('reception.fields.maritalStatus')} value={b.maritalStatus ? bi(maritalStatusLabel(b.maritalStatus, b.gender)) : undefined} />
                  <Detail label={t('reception.fields.city')} value={b.city} />
                  <Detail label={t('reception.fields.district')} value={b.address?.district} />
                </SimpleGrid>
                <Title order={4}>{t('reception.household.title')}</Title>
                {(b.household ?? []).length === 0 ? (
                  <Text c="gray.7" size="sm">
                    {t('reception.household.none')}
                  </Text>
                ) : (
                  <Stack gap={4} data-testid="household-list">
                    {(b.household ?? []).map((m, i) => (
                      <Text key={i} size="sm">
                        {m.fullName} — {bi(householdRelationLabels[m.relation])}
                        {m.birthDate ? ` — ${formatCalendarDate(m.birthDate, { locale })}` : ''}
                        {m.hasDisability ? ` — ${t('reception.household.hasDisability')}` : ''}
                      </Text>
                    ))}
                  </Stack>
                )}
              </Stack>
            </Paper>
            <RequestsOfBeneficiary beneficiary={b} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <ContactLogPanel beneficiary={b} />
            {/* PDPL rights: for those who may delete this branch's beneficiary records (branch staff). */}
            {can(actor, 'delete', 'beneficiaries', { branchId: b.branchId }).allowed && <SubjectRightsPanel beneficiary={b} />}
          </Stack>
        </Grid.Col>
      </Grid>
      )}
    </Stack>
  );
}
