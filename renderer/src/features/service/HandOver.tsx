/**
 * Hand-over mode: the laptop is given to the beneficiary. A full-screen layer shows only the
 * evaluation form (the file, the navigation and personal data are hidden), with large touch
 * targets. It ends on a thank-you screen that only an employee can leave, with the device password.
 */
import { useState } from 'react';
import { createPortal } from 'react-dom';
import { Alert, Box, Button, Center, Container, FocusTrap, PasswordInput, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { unlockDeviceKey } from '../../security/deviceKey';
import { unlockOffline } from '../../security/account';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import type { RequestFile } from '../requests/contract';
import { EvaluationForm } from './EvaluationForm';
import type { EvaluationProblem } from './evaluation';
import { useHandOver } from './handOverStore';
import { submitEvaluation } from './submitEvaluation';

/** Only the employee ends hand-over: the signed-in user's password (or the device password before sign-in). */
function EmployeeResume() {
  const { t, i18n } = useTranslation();
  const actor = useActor();
  const end = useHandOver((s) => s.end);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const resume = async () => {
    setChecking(true);
    setError(null);
    const result = actor.signedIn ? await unlockOffline(actor.userId, password) : await unlockDeviceKey(password);
    setChecking(false);
    setPassword('');
    if (result.ok) end();
    else setError(i18n.language === 'en' ? result.messageEn : result.messageAr);
  };
  return (
    <form
      noValidate
      data-testid="handover-resume-form"
      onSubmit={(e) => {
        e.preventDefault();
        void resume();
      }}
    >
      <Stack gap="xs" maw={420}>
        <PasswordInput
          name="password"
          label={t('service.resumeLabel')}
          description={t('service.resumeHint')}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={error}
          autoComplete="current-password"
        />
        <Button type="submit" variant="default" loading={checking} data-testid="handover-resume">
          {t('service.resume')}
        </Button>
      </Stack>
    </form>
  );
}

export function HandOverLayer({ file }: { file: RequestFile }) {
  const { t, i18n } = useTranslation();
  const { db } = useServices();
  const actor = useActor();
  const { session, phase, input, setInput, finish, decline } = useHandOver();
  const [problems, setProblems] = useState<EvaluationProblem[]>([]);
  const [saving, setSaving] = useState(false);

  if (!session || session.requestId !== file.request.id) return null;
  const service = file.profile.services.find((s) => s.id === file.request.serviceId);
  const serviceName = service ? (i18n.language === 'en' ? service.nameEn : service.nameAr) : file.request.serviceId;

  const submit = async () => {
    setSaving(true);
    const result = await submitEvaluation(db, actor, file, input, session.channel);
    setSaving(false);
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setProblems([]);
    finish();
  };

  return createPortal(
    <Box
      role="dialog"
      aria-modal="true"
      aria-labelledby="handover-title"
      data-testid="handover-layer"
      pos="fixed"
      inset={0}
      bg="var(--mantine-color-body)"
      style={{ zIndex: 1000, overflowY: 'auto' }}
    >
      <FocusTrap active>
        <Container size="md" py="xl">
          {phase === 'form' ? (
            <Stack gap="lg">
              <Title order={1} id="handover-title" size="h2">
                {t('service.handOverWelcome')}
              </Title>
              <EvaluationForm
                input={input}
                onChange={setInput}
                onSubmit={() => void submit()}
                problems={problems}
                saving={saving}
                large
                serviceName={serviceName}
              />
              <Button variant="subtle" size="lg" onClick={decline} data-testid="handover-decline">
                {t('service.declineAction')}
              </Button>
            </Stack>
          ) : (
            <Center mih="80vh">
              <Stack align="center" gap="xl" data-testid="handover-thanks">
                <ThemeIcon size={96} radius="xl" color="teal" variant="light" aria-hidden>
                  <svg width={56} height={56} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} aria-hidden="true" focusable="false">
                    <path d="M5 12.5l4.5 4.5L19 7.5" />
                  </svg>
                </ThemeIcon>
                <Title order={1} id="handover-title" ta="center">
                  {phase === 'thanks' ? t('service.thanksTitle') : t('service.declinedTitle')}
                </Title>
                <Text size="xl" ta="center" maw={520}>
                  {phase === 'thanks' ? t('service.thanksBody') : t('service.declinedBody')}
                </Text>
                <Alert color="gray" variant="light" maw={520}>
                  {t('service.returnLaptop')}
                </Alert>
                <EmployeeResume />
              </Stack>
            </Center>
          )}
        </Container>
      </FocusTrap>
    </Box>,
    document.body,
  );
}
