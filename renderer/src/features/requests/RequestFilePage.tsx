/**
 * The request file (ملف الطلب), #/requests/<id>/<step>: the procedure as a stepper and the panel
 * of the chosen step. Each panel gets the whole file, loaded reactively (see contract.ts).
 */
import { useState, type ReactElement } from 'react';
import { Alert, Anchor, Badge, Button, Center, Group, Loader, Paper, Stack, Stepper, Text, Textarea, Title } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { findService } from '../../../../shared/policy';
import { availableEvents, procedureStateLabels } from '../../../../shared/workflow';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { hrefOf, navigate } from '../../navigation';
import { DocumentsStep } from '../documents/DocumentsStep';
import { DeclarationStep, SubmissionStep } from '../declaration/DeclarationStep';
import { DeliveryStep, EvaluationStep, RegistrationStep } from '../service/ServiceSteps';
import type { RequestFile, StepPanelProps } from './contract';
import { CommitteeView } from './CommitteeView';
import { IntakeStep } from './IntakeStep';
import { InterviewStep } from './InterviewStep';
import { applyEvent } from './persist';
import { completedThrough, currentStep, isRequestStep, requestSteps, type RequestStep } from './steps';
import { useRequestFile } from './useRecords';

const panels: Record<RequestStep, (props: StepPanelProps) => ReactElement | null> = {
  intake: IntakeStep,
  interview: InterviewStep,
  documents: DocumentsStep,
  declaration: DeclarationStep,
  submission: SubmissionStep,
  committee: CommitteeView,
  registration: RegistrationStep,
  delivery: DeliveryStep,
  evaluation: EvaluationStep,
};

/** Withdrawing ends the request: asked with a reason and confirmed. */
function WithdrawButton({ file }: { file: RequestFile }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const actor = useActor();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  if (!availableEvents(file.request, actor.role).includes('withdraw')) return null;
  if (!open) {
    return (
      <Button variant="subtle" color="red" onClick={() => setOpen(true)} data-testid="withdraw-open">
        {t('requests.withdraw.open')}
      </Button>
    );
  }
  return (
    <Paper withBorder p="sm" radius="md" maw={480} data-testid="withdraw-form">
      <Stack gap="xs">
        <Textarea
          label={t('requests.withdraw.reason')}
          value={reason}
          onChange={(e) => {
            setReason(e.currentTarget.value);
            setError(null);
          }}
          error={error ?? undefined}
          required
          autosize
          maxLength={2000}
          name="withdrawReason"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setOpen(false)}>
            {t('requests.cancel')}
          </Button>
          <Button
            color="red"
            onClick={() => {
              if (!reason.trim()) {
                setError(t('requests.withdraw.errors.reason'));
                return;
              }
              modals.openConfirmModal({
                title: t('requests.withdraw.confirmTitle'),
                children: <Text size="sm">{t('requests.withdraw.confirmBody')}</Text>,
                labels: { confirm: t('requests.withdraw.confirm'), cancel: t('requests.cancel') },
                confirmProps: { color: 'red' },
                onConfirm: () =>
                  void applyEvent(db, actor, file, { type: 'withdraw', reason: reason.trim() }).then((outcome) => {
                    if (!outcome.ok) setError(ar ? outcome.messageAr : outcome.messageEn);
                    else {
                      setOpen(false);
                      notifications.show({ closeButtonProps: { 'aria-label': t('requests.close') }, color: 'teal', title: t('requests.withdraw.doneTitle'), message: t('requests.withdraw.doneBody') });
                    }
                  }),
              });
            }}
          >
            {t('requests.withdraw.submit')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function RequestFilePage({ requestId, step }: { requestId: string; step: string | undefined }) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const actor = useActor();
  const state = useRequestFile(requestId);
  if (state.status === 'loading') {
    return (
      <Center py="xl">
        <Loader aria-label={t('requests.loading')} />
      </Center>
    );
  }
  if (state.status === 'missing') {
    return (
      <Alert color="orange" title={t('requests.file.missingTitle')} data-testid="request-missing">
        <Stack gap="xs">
          <Text>{t('requests.file.missingBody')}</Text>
          <Anchor href={hrefOf('requests')}>{t('requests.backToList')}</Anchor>
        </Stack>
      </Alert>
    );
  }
  const { file } = state;
  const { request, beneficiary, profile } = file;
  const shown: RequestStep = isRequestStep(step) ? step : currentStep(request, file.interviews);
  const done = completedThrough(request, file.interviews);
  const service = findService(profile, request.serviceId);
  const Panel = panels[shown];
  return (
    <Stack gap="lg" data-testid="request-file" data-state={request.state}>
      <div>
        <Group gap="md">
          <Anchor href={hrefOf('requests')} size="sm">
            {t('requests.backToList')}
          </Anchor>
          <Anchor href={hrefOf('beneficiaries', beneficiary.id)} size="sm">
            {t('requests.backToBeneficiary', { name: beneficiary.fullName })}
          </Anchor>
        </Group>
        <Group gap="sm" justify="space-between">
          <Group gap="sm">
            <Title order={2}>{beneficiary.fullName}</Title>
            <Badge size="lg" variant="light" data-testid="request-state" data-state={request.state}>
              {ar ? procedureStateLabels[request.state].ar : procedureStateLabels[request.state].en}
            </Badge>
          </Group>
          <WithdrawButton file={file} />
        </Group>
        <Text c="gray.7">{service ? (ar ? service.nameAr : service.nameEn) : request.serviceId}</Text>
      </div>
      <nav aria-label={t('requests.file.stepsLabel')}>
        <Stepper
          active={done}
          onStepClick={(i) => navigate('requests', request.id, requestSteps[i] ?? 'intake')}
          allowNextStepsSelect
          size="sm"
          iconSize={30}
          wrap
        >
          {requestSteps.map((s) => (
            <Stepper.Step
              key={s}
              label={t(`requests.steps.${s}`)}
              data-testid={`step-${s}`}
              data-open={s === shown}
              aria-current={s === shown ? 'step' : undefined}
              className={s === shown ? 'sila-step-open' : undefined}
            />
          ))}
        </Stepper>
      </nav>
      <section aria-labelledby="step-title" data-testid={`panel-${shown}`}>
        <Title order={3} id="step-title" mb="sm">
          {t(`requests.steps.${shown}`)}
        </Title>
        <Panel file={file} actor={actor} />
      </section>
    </Stack>
  );
}
