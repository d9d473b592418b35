/**
 * Changing one's own password (from the header's user menu). Needs HQ: HQ checks the current
 * password and stores the new one, then this laptop's key is re-wrapped under it
 * (security/account.ts changePasswordOnline). Offline, nothing can change and the dialog says
 * so; a refusal keeps what was typed and names the field to fix.
 */
import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { AccountServices } from '../../services';
import { ACCOUNT_PASSWORD_MIN_LENGTH, type ChangePasswordResult } from '../../security/account';
import { useSession } from '../../state/session';

type Failure = Extract<ChangePasswordResult, { ok: false }>;

export function ChangePasswordDialog({ account, opened, onClose }: { account: AccountServices; opened: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const online = useSession((s) => s.online);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [problem, setProblem] = useState<Failure | null>(null);
  const [working, setWorking] = useState(false);

  function close() {
    if (working) return;
    setCurrent('');
    setNext('');
    setConfirmation('');
    setProblem(null);
    onClose();
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (working) return;
    setWorking(true);
    setProblem(null);
    try {
      const result = await account.changePassword({ currentPassword: current, newPassword: next, confirmation });
      if (!result.ok) {
        setProblem(result);
        return;
      }
      notifications.show({ color: 'teal', title: t('account.doneTitle'), message: t('account.doneBody'), autoClose: 10_000 });
      setWorking(false);
      setCurrent('');
      setNext('');
      setConfirmation('');
      onClose();
    } catch (err) {
      console.error('password change failed', err);
      setProblem({ ok: false, code: 'UNEXPECTED', messageAr: t('account.offlineBody', { lng: 'ar' }), messageEn: t('account.offlineBody', { lng: 'en' }) });
    } finally {
      setWorking(false);
    }
  }

  const message = problem ? (i18n.language === 'ar' ? problem.messageAr : problem.messageEn) : null;
  const fieldError = (field: Failure['field']) => (problem && problem.field === field ? message : undefined);

  return (
    <Modal opened={opened} onClose={close} title={t('account.dialogTitle')} size="md" centered closeButtonProps={{ 'aria-label': t('account.cancel') }}>
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="change-password-form">
        <Stack gap="md">
          <Text size="sm">{t('account.intro')}</Text>
          {!online ? (
            <Alert color="orange" variant="light" title={t('account.offlineTitle')} role="status" data-testid="change-password-offline">
              {t('account.offlineBody')}
            </Alert>
          ) : (
            <Text size="sm" c="gray.7">
              {t('account.needsHq')}
            </Text>
          )}
          {problem && !problem.field && (
            <Alert color="red" variant="light" title={t('account.failedTitle')} role="alert" data-testid="change-password-problem" data-code={problem.code}>
              {message}
            </Alert>
          )}
          <PasswordInput
            name="currentPassword"
            label={t('account.current')}
            description={t('account.currentHint')}
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            error={fieldError('currentPassword')}
            autoComplete="current-password"
            data-autofocus
            required
          />
          <PasswordInput
            name="newPassword"
            label={t('account.new')}
            description={t('account.newHint', { min: ACCOUNT_PASSWORD_MIN_LENGTH })}
            value={next}
            onChange={(e) => setNext(e.currentTarget.value)}
            error={fieldError('newPassword')}
            autoComplete="new-password"
            required
          />
          <PasswordInput
            name="confirmation"
            label={t('account.confirm')}
            value={confirmation}
            onChange={(e) => setConfirmation(e.currentTarget.value)}
            error={fieldError('confirmation')}
            autoComplete="new-password"
            required
          />
          {problem?.field && (
            <Text size="sm" c="red.8" role="alert" data-testid="change-password-problem" data-code={problem.code}>
              {t('account.failedTitle')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={working}>
              {t('account.cancel')}
            </Button>
            <Button type="submit" loading={working} disabled={!online} data-testid="change-password-submit">
              {t('account.submit')}
            </Button>
          </Group>
          {working && (
            <Text size="sm" c="gray.7" role="status">
              {t('account.working')}
            </Text>
          )}
        </Stack>
      </form>
    </Modal>
  );
}
