import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Grid, Group, Loader, Paper, ScrollArea, Stack, Table, Text, TextInput, ThemeIcon, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useServices } from '../services';
import { useSession } from '../state/session';
import { deviceUserId } from '../state/device';
import { displayPhone, newRecordId, prepareRegistration, saveBeneficiary, type FieldProblem, type RegistrationField, type RegistrationInput } from '../data/beneficiaries';
import { useBeneficiaries } from '../data/useBeneficiaries';
import { SyncBadge } from '../components/SyncBadge';
import { PeopleIcon } from '../components/icons';

const emptyInput: RegistrationInput = { fullName: '', nationalId: '', phone: '' };

function RegistrationForm() {
  const { t, i18n } = useTranslation();
  const { db } = useServices();
  const branchId = useSession((s) => s.branchId);
  const [input, setInput] = useState<RegistrationInput>(emptyInput);
  const [problems, setProblems] = useState<Partial<Record<RegistrationField, FieldProblem>>>({});
  const [saving, setSaving] = useState(false);

  const messageOf = (field: RegistrationField): string | undefined => {
    const p = problems[field];
    if (!p) return undefined;
    return i18n.language === 'ar' ? p.messageAr : p.messageEn;
  };

  const change = (field: RegistrationField) => (e: React.ChangeEvent<HTMLInputElement>) => {
    const value = e.currentTarget.value;
    setInput((prev) => ({ ...prev, [field]: value }));
    // The message goes once the person edits the field; the typed text always stays.
    setProblems((prev) => {
      if (!prev[field]) return prev;
      const next = { ...prev };
      delete next[field];
      return next;
    });
  };

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const result = prepareRegistration(input, { branchId, updatedBy: deviceUserId(), now: new Date(), newId: newRecordId });
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    setSaving(true);
    try {
      await saveBeneficiary(db, result.beneficiary);
      setInput(emptyInput);
      setProblems({});
      notifications.show({ color: 'teal', title: t('beneficiaries.savedTitle'), message: t('beneficiaries.savedBody', { name: result.beneficiary.fullName }) });
    } catch (err) {
      console.error('saving beneficiary failed', err);
      notifications.show({ color: 'red', title: t('beneficiaries.saveFailedTitle'), message: t('beneficiaries.saveFailedBody'), autoClose: false });
    } finally {
      setSaving(false);
    }
  }

  const hasProblems = Object.keys(problems).length > 0;

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-title">
      <form onSubmit={(e) => void submit(e)} noValidate data-testid="registration-form">
        <Stack gap="md">
          <Title order={3} id="registration-title">
            {t('beneficiaries.formTitle')}
          </Title>
          {hasProblems && (
            <Alert color="red" variant="light" role="alert" data-testid="form-problems">
              {t('validation.fixErrors')}
            </Alert>
          )}
          <TextInput
            name="fullName"
            label={t('beneficiaries.fullName')}
            placeholder={t('beneficiaries.fullNamePlaceholder')}
            value={input.fullName}
            onChange={change('fullName')}
            error={messageOf('fullName')}
            autoComplete="off"
            required
            maxLength={200}
          />
          <TextInput
            name="nationalId"
            label={t('beneficiaries.nationalId')}
            description={t('beneficiaries.nationalIdHint')}
            value={input.nationalId}
            onChange={change('nationalId')}
            error={messageOf('nationalId')}
            inputMode="numeric"
            autoComplete="off"
            required
            maxLength={20}
            classNames={{ input: 'sila-ltr-value' }}
          />
          <TextInput
            name="phone"
            type="tel"
            label={t('beneficiaries.phone')}
            placeholder={t('beneficiaries.phonePlaceholder')}
            value={input.phone}
            onChange={change('phone')}
            error={messageOf('phone')}
            inputMode="tel"
            autoComplete="off"
            maxLength={20}
            classNames={{ input: 'sila-ltr-value' }}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={saving} data-testid="register-submit">
              {t('beneficiaries.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function BeneficiaryList() {
  const { t, i18n } = useTranslation();
  const { db } = useServices();
  const rows = useBeneficiaries(db);
  const dateFormat = new Intl.DateTimeFormat(i18n.language === 'ar' ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB', { dateStyle: 'medium' });

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="beneficiary-list-title">
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={3} id="beneficiary-list-title">
            {t('beneficiaries.listTitle')}
          </Title>
          {rows && rows.length > 0 && (
            <Text c="dimmed" data-testid="beneficiary-count">
              {t('beneficiaries.count', { count: rows.length })}
            </Text>
          )}
        </Group>
        {rows === null ? (
          <Center py="xl">
            <Loader />
          </Center>
        ) : rows.length === 0 ? (
          <Stack align="center" gap="xs" className="sila-empty-state" data-testid="beneficiaries-empty">
            <ThemeIcon size={56} radius="xl" variant="light" color="teal">
              <PeopleIcon size={30} />
            </ThemeIcon>
            <Text fw={700} size="lg">
              {t('beneficiaries.emptyTitle')}
            </Text>
            <Text c="dimmed" maw={420}>
              {t('beneficiaries.emptyBody')}
            </Text>
          </Stack>
        ) : (
          <ScrollArea>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="beneficiary-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('beneficiaries.columns.fullName')}</Table.Th>
                  <Table.Th>{t('beneficiaries.columns.nationalId')}</Table.Th>
                  <Table.Th>{t('beneficiaries.columns.phone')}</Table.Th>
                  <Table.Th>{t('beneficiaries.columns.createdAt')}</Table.Th>
                  <Table.Th>{t('beneficiaries.columns.sync')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((b) => (
                  <Table.Tr key={b.id} data-testid="beneficiary-row" data-national-id={b.nationalId}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{b.fullName}</Table.Td>
                    <Table.Td>
                      <span dir="ltr">{b.nationalId}</span>
                    </Table.Td>
                    <Table.Td>{b.phone ? <span dir="ltr">{displayPhone(b.phone)}</span> : t('beneficiaries.noPhone')}</Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{dateFormat.format(new Date(b.createdAt))}</Table.Td>
                    <Table.Td>
                      <SyncBadge record={b} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Stack>
    </Paper>
  );
}

export function BeneficiariesScreen() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <div>
        <Title order={2}>{t('beneficiaries.title')}</Title>
        <Text c="dimmed">{t('beneficiaries.subtitle')}</Text>
      </div>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, xl: 4 }}>
          <RegistrationForm />
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 8 }}>
          <BeneficiaryList />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
