/**
 * A new support request (طلب دعم جديد) for a beneficiary: the service from the association's
 * catalogue, the channel it came through, the need in their words; eligibility and the required
 * documents follow live from the chosen service. Saved in state reception, with the channel
 * also written to the beneficiary's contact log.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Alert, Anchor, Button, Center, Grid, Group, Loader, Paper, Radio, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Beneficiary, BeneficiaryDocument, SupportRequest } from '../../../../shared/schema';
import { assessEligibility, requiredDocumentsChecklist } from '../../../../shared/casefile';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { useActiveProfile } from '../../state/profile';
import { newRecordId } from '../../data/beneficiaries';
import { hrefOf, navigate } from '../../navigation';
import { ChecklistView, EligibilityView } from './EligibilityView';
import { save } from './persist';
import { useRecord, useRecords } from './useRecords';

/** The request as it would be stored, for the live assessment before saving. */
export function provisionalRequest(args: { id: string; beneficiary: Beneficiary; serviceId: string; channelId: string; branchId: string; userId: string; now: Date; summary: string }): SupportRequest {
  const at = args.now.toISOString();
  return {
    id: args.id,
    branchId: args.branchId,
    createdAt: at,
    updatedAt: at,
    updatedBy: args.userId,
    beneficiaryId: args.beneficiary.id,
    serviceId: args.serviceId,
    channelId: args.channelId,
    state: 'reception',
    ...(args.summary.trim() ? { summary: args.summary.trim() } : {}),
    history: [],
  };
}

export function NewRequestPage({ beneficiaryId }: { beneficiaryId: string | null }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const actor = useActor();
  const profile = useActiveProfile();
  const beneficiary = useRecord<Beneficiary>('beneficiaries', beneficiaryId);
  const documents = useRecords<BeneficiaryDocument>('documents', beneficiaryId ? { beneficiaryId } : null);
  const [serviceId, setServiceId] = useState('');
  const [channelId, setChannelId] = useState('');
  const [summary, setSummary] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [requestId] = useState(newRecordId);

  const live = useMemo(() => {
    if (!beneficiary || !serviceId) return null;
    const now = new Date();
    const request = provisionalRequest({ id: requestId, beneficiary, serviceId, channelId: channelId || 'pending', branchId: actor.branchId, userId: actor.userId, now, summary });
    const assessment = assessEligibility({ beneficiary, request, documents: documents ?? [], profile, asOf: now });
    const checklist = requiredDocumentsChecklist(profile, serviceId, (documents ?? []).filter((d) => !d.requestId), now);
    return { assessment, checklist };
  }, [beneficiary, serviceId, channelId, summary, documents, profile, requestId, actor.branchId, actor.userId]);

  if (!beneficiaryId || beneficiary === null) {
    return (
      <Alert color="orange" title={t('requests.new.noBeneficiaryTitle')} data-testid="new-request-no-beneficiary">
        <Stack gap="xs">
          <Text>{t('requests.new.noBeneficiaryBody')}</Text>
          <Anchor href={hrefOf('beneficiaries')}>{t('requests.new.toReception')}</Anchor>
        </Stack>
      </Alert>
    );
  }
  if (beneficiary === undefined) {
    return (
      <Center py="xl">
        <Loader aria-label={t('requests.loading')} />
      </Center>
    );
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!beneficiary) return;
    const next: Record<string, string> = {};
    if (!serviceId) next.serviceId = t('requests.new.errors.service');
    if (!channelId) next.channelId = t('requests.new.errors.channel');
    setProblems(next);
    if (Object.keys(next).length > 0) return;
    setSaving(true);
    try {
      const now = new Date();
      const request = provisionalRequest({ id: requestId, beneficiary, serviceId, channelId, branchId: actor.branchId, userId: actor.userId, now, summary });
      const saved = await save(db, actor, 'support_requests', request);
      if (!saved.ok) {
        const fromIssues: Record<string, string> = {};
        for (const i of saved.issues) fromIssues[i.path] = i.message;
        setProblems(fromIssues);
        notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'red', title: t('requests.saveFailedTitle'), message: ar ? saved.messageAr : saved.messageEn, autoClose: false });
        return;
      }
      // Reception records the channel of every contact: this one opened a request.
      const service = profile.services.find((s) => s.id === serviceId);
      const logged = await save(db, actor, 'contact_logs', {
        id: newRecordId(),
        channelId,
        direction: 'inbound',
        at: now.toISOString(),
        subject: 'request',
        handledBy: actor.userId,
        beneficiaryId: beneficiary.id,
        requestId,
        summary: service ? service.nameAr : serviceId,
      });
      if (!logged.ok) notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'orange', title: t('requests.new.contactNotLogged'), message: ar ? logged.messageAr : logged.messageEn, autoClose: false });
      notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'teal', title: t('requests.new.savedTitle'), message: t('requests.new.savedBody') });
      navigate('requests', requestId, 'intake');
    } finally {
      setSaving(false);
    }
  }

  return (
    <Stack gap="lg" data-testid="new-request">
      <div>
        <Anchor href={hrefOf('beneficiaries', beneficiary.id)} size="sm">
          {t('requests.backToBeneficiary', { name: beneficiary.fullName })}
        </Anchor>
        <Title order={2}>{t('requests.new.title')}</Title>
        <Text c="gray.7">{t('requests.new.subtitle', { name: beneficiary.fullName })}</Text>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Paper withBorder radius="md" p="lg">
            <form onSubmit={(e) => void submit(e)} noValidate data-testid="new-request-form">
              <Stack gap="md">
                <Radio.Group
                  name="serviceId"
                  label={t('requests.new.service')}
                  description={t('requests.new.serviceHint', { association: profile.association.nameAr })}
                  value={serviceId}
                  onChange={(v) => {
                    setServiceId(v);
                    setProblems((p) => ({ ...p, serviceId: '' }));
                  }}
                  error={problems.serviceId || undefined}
                  required
                >
                  <Stack gap="xs" mt="xs">
                    {profile.services.map((s) => (
                      <Radio key={s.id} value={s.id} label={ar ? s.nameAr : s.nameEn} data-testid={`service-${s.id}`} />
                    ))}
                  </Stack>
                </Radio.Group>
                <Select
                  name="channelId"
                  label={t('requests.new.channel')}
                  description={t('requests.new.channelHint')}
                  data={profile.channels.map((c) => ({ value: c.id, label: ar ? c.labelAr : c.labelEn }))}
                  value={channelId || null}
                  onChange={(v) => {
                    setChannelId(v ?? '');
                    setProblems((p) => ({ ...p, channelId: '' }));
                  }}
                  error={problems.channelId || undefined}
                  required
                  data-testid="request-channel"
                />
                <Textarea
                  name="summary"
                  label={t('requests.new.summary')}
                  value={summary}
                  onChange={(e) => setSummary(e.currentTarget.value)}
                  error={problems.summary || undefined}
                  autosize
                  minRows={3}
                  maxLength={4000}
                />
                <Group justify="flex-end">
                  <Button type="submit" loading={saving} data-testid="create-request">
                    {t('requests.new.submit')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          {!live ? (
            <Paper withBorder radius="md" p="lg" className="sila-empty-state" data-testid="eligibility-empty">
              <Text c="gray.7">{t('requests.new.chooseService')}</Text>
            </Paper>
          ) : (
            <Stack gap="md">
              {live.assessment.ok ? (
                <EligibilityView assessment={live.assessment} />
              ) : (
                <Alert color="red">{ar ? live.assessment.messageAr : live.assessment.messageEn}</Alert>
              )}
              {live.checklist.ok && <ChecklistView checklist={live.checklist} />}
            </Stack>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
