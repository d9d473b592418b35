/** Intake and eligibility (الاستقبال والأهلية): the request as received, the live eligibility, the checklist. */
import { useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { assessEligibility, requiredDocumentsChecklist } from '../../../../shared/casefile';
import { findService } from '../../../../shared/policy';
import { availableEvents } from '../../../../shared/workflow';
import { useServices } from '../../services';
import { navigate } from '../../navigation';
import type { StepPanelProps } from './contract';
import { ChecklistView, EligibilityView } from './EligibilityView';
import { applyEvent } from './persist';

export function IntakeStep({ file, actor }: StepPanelProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { request, profile } = file;
  const service = findService(profile, request.serviceId);
  const channel = profile.channels.find((c) => c.id === request.channelId);
  const live = useMemo(() => {
    const now = new Date();
    return {
      assessment: assessEligibility({ ...file, asOf: now }),
      checklist: requiredDocumentsChecklist(profile, request.serviceId, file.documents.filter((d) => !d.requestId || d.requestId === request.id), request.submittedAt ?? now),
    };
  }, [file, profile, request.serviceId, request.id, request.submittedAt]);
  const canBegin = availableEvents(request, actor.role).includes('begin_data_collection');
  const date = new Intl.DateTimeFormat(ar ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });

  async function begin() {
    setBusy(true);
    try {
      const outcome = await applyEvent(db, actor, file, { type: 'begin_data_collection' });
      if (!outcome.ok) {
        setError(ar ? outcome.messageAr : outcome.messageEn);
        return;
      }
      notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'teal', title: t('requests.intake.begunTitle'), message: t('requests.intake.begunBody') });
      navigate('requests', request.id, 'interview');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="md" data-testid="intake-step">
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <Title order={4}>{t('requests.intake.title')}</Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <div>
              <Text size="xs" c="gray.7">
                {t('requests.intake.service')}
              </Text>
              <Text>{service ? (ar ? service.nameAr : service.nameEn) : request.serviceId}</Text>
            </div>
            <div>
              <Text size="xs" c="gray.7">
                {t('requests.intake.channel')}
              </Text>
              <Badge variant="light" data-testid="request-channel-recorded" data-channel={request.channelId}>
                {channel ? (ar ? channel.labelAr : channel.labelEn) : request.channelId}
              </Badge>
            </div>
            <div>
              <Text size="xs" c="gray.7">
                {t('requests.intake.receivedAt')}
              </Text>
              <Text>{date.format(new Date(request.createdAt))}</Text>
            </div>
          </SimpleGrid>
          {request.summary && (
            <div>
              <Text size="xs" c="gray.7">
                {t('requests.intake.summary')}
              </Text>
              <Text style={{ whiteSpace: 'pre-wrap' }}>{request.summary}</Text>
            </div>
          )}
          {canBegin && (
            <Group justify="flex-end">
              <Button onClick={() => void begin()} loading={busy} data-testid="begin-data-collection">
                {t('requests.intake.begin')}
              </Button>
            </Group>
          )}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
        </Stack>
      </Paper>
      {live.assessment.ok ? <EligibilityView assessment={live.assessment} /> : <Alert color="red">{ar ? live.assessment.messageAr : live.assessment.messageEn}</Alert>}
      {live.checklist.ok && <ChecklistView checklist={live.checklist} />}
    </Stack>
  );
}
