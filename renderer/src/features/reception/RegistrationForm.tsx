/**
 * Registering a new beneficiary with household members, checked live for possible duplicates —
 * and, with `editing`, correcting a registered beneficiary's data with the same fields, rules and
 * Arabic messages (the file's «تعديل البيانات»).
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import {
  ActionIcon,
  Alert,
  Anchor,
  Button,
  Checkbox,
  Divider,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Beneficiary } from '../../../../shared/schema';
import {
  genders,
  householdRelations,
  maritalStatuses,
} from '../../../../shared/schema/beneficiary';
import {
  duplicateCandidates,
  genderLabels,
  householdRelationLabels,
  maritalStatusLabel,
  nationalityLabel,
} from '../../../../shared/casefile';
import { validateNationalId } from '../../../../shared/identity/nationalId';
import { parseDateInput } from '../../../../shared/dates/parse';
import { useServices } from '../../services';
import { useActor } from '../../state/actor';
import { save } from '../requests/persist';
import { newRecordId } from '../../data/beneficiaries';
import { hrefOf } from '../../navigation';
import { DateField } from './DateField';
import {
  changedBeneficiaryFields,
  composeFullName,
  emptyBeneficiaryForm,
  formFromBeneficiary,
  emptyHouseholdRow,
  prepareBeneficiary,
  problemsAfterRemovingRow,
  withoutProblem,
  type BeneficiaryForm,
  type FormProblems,
  type HouseholdRow,
} from './registration';
import { useBranchName } from './useBranchName';

/** Nationalities offered first (the label table's codes); others are typed as ISO codes by HQ later. */
export const nationalityCodes = [
  'SA',
  'EG',
  'YE',
  'SY',
  'SD',
  'JO',
  'PS',
  'LB',
  'IQ',
  'KW',
  'BH',
  'QA',
  'AE',
  'OM',
  'MA',
  'DZ',
  'TN',
  'LY',
  'SO',
  'ER',
  'ET',
  'MR',
  'PK',
  'IN',
  'BD',
  'AF',
  'ID',
  'PH',
  'TR',
  'MM',
];

export interface RegistrationFormProps {
  /** Registered beneficiaries, for the live duplicate check. */
  existing: readonly Beneficiary[];
  /** Edit this registered beneficiary instead of registering a new one. */
  editing?: Beneficiary;
  /** Edit mode: called after saving (with the stored record) or on cancel (null). */
  onDone?(saved: Beneficiary | null): void;
}

export function RegistrationForm({ existing, editing, onDone }: RegistrationFormProps) {
  const { t, i18n } = useTranslation();
  const branchName = useBranchName();
  const ar = i18n.language === 'ar';
  const { db } = useServices();
  const actor = useActor();
  const [initial] = useState<BeneficiaryForm>(() => (editing ? formFromBeneficiary(editing, (i) => `e${i}`) : emptyBeneficiaryForm));
  const [form, setForm] = useState<BeneficiaryForm>(initial);
  const [problems, setProblems] = useState<FormProblems>({});
  const [saving, setSaving] = useState(false);
  const [differentPerson, setDifferentPerson] = useState(false);
  const rowKey = useRef(initial.household.length);
  const others = useMemo(() => (editing ? existing.filter((b) => b.id !== editing.id) : existing), [existing, editing]);

  const message = (field: string): string | undefined => {
    const p = problems[field];
    if (!p) return undefined;
    return ar
      ? p.messageAr
      : (p.messageEn ?? `${t('reception.errors.checkField')} (${p.messageAr})`);
  };
  const set = <K extends keyof BeneficiaryForm>(field: K, value: BeneficiaryForm[K]) => {
    setForm((prev) => ({ ...prev, [field]: value }));
    setProblems((prev) => withoutProblem(prev, field));
    if (field === 'nationalId' || field === 'first' || field === 'family' || field === 'birthDate')
      setDifferentPerson(false);
  };
  const setRow = (index: number, patch: Partial<HouseholdRow>) => {
    setForm((prev) => ({
      ...prev,
      household: prev.household.map((r, i) => (i === index ? { ...r, ...patch } : r)),
    }));
    setProblems((prev) =>
      Object.keys(patch).reduce((acc, k) => withoutProblem(acc, `household.${index}.${k}`), prev),
    );
  };
  const addRow = () => {
    rowKey.current += 1;
    setForm((prev) => ({
      ...prev,
      household: [...prev.household, emptyHouseholdRow(`m${rowKey.current}`)],
    }));
  };
  const removeRow = (index: number) => {
    const doRemove = () => {
      setForm((prev) => ({ ...prev, household: prev.household.filter((_, i) => i !== index) }));
      setProblems((prev) => problemsAfterRemovingRow(prev, index));
    };
    const row = form.household[index];
    if (!row || (!row.fullName.trim() && !row.nationalId.trim() && !row.birthDate.trim())) {
      doRemove();
      return;
    }
    modals.openConfirmModal({
      title: t('reception.household.removeTitle'),
      children: (
        <Text size="sm">
          {t('reception.household.removeBody', {
            name: row.fullName.trim() || t('reception.household.unnamed'),
          })}
        </Text>
      ),
      labels: { confirm: t('reception.household.removeConfirm'), cancel: t('reception.cancel') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-remove-member' } as Record<
        string,
        string
      >,
      onConfirm: doRemove,
    });
  };

  // Possible duplicates, live: the ID as typed (once valid), or the name with the birth date.
  const duplicates = useMemo(() => {
    const id = validateNationalId(form.nationalId);
    const birth = form.birthDate.trim() ? parseDateInput(form.birthDate, form.birthCalendar) : null;
    const fullName = composeFullName(form);
    if (!id.ok && !(birth?.ok && fullName)) return [];
    return duplicateCandidates(
      {
        nationalId: id.ok ? id.value.id : '',
        fullName,
        ...(birth?.ok ? { birthDate: birth.value } : {}),
      },
      others,
    );
  }, [form, others]);
  const sameId = duplicates.some((d) => d.reason === 'same_national_id');
  const blocked = sameId || (duplicates.length > 0 && !differentPerson);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (blocked) return;
    const result = prepareBeneficiary(form, {
      branchId: actor.branchId,
      updatedBy: actor.userId,
      now: new Date(),
      newId: newRecordId,
      ...(editing ? { editing } : {}),
    });
    if (!result.ok) {
      setProblems(result.problems);
      return;
    }
    if (editing && changedBeneficiaryFields(editing, result.beneficiary).length === 0) {
      notifications.show({ closeButtonProps: { 'aria-label': t('reception.close') }, color: 'gray', title: t('reception.edit.unchangedTitle'), message: t('reception.edit.unchangedBody') });
      onDone?.(null);
      return;
    }
    setSaving(true);
    try {
      const saved = await save<Beneficiary>(db, actor, 'beneficiaries', result.beneficiary, editing ? { action: 'update' } : {});
      if (!saved.ok) {
        const fromIssues: FormProblems = {};
        for (const issue of saved.issues)
          fromIssues[issue.path.split('.')[0] === 'fullName' ? 'first' : issue.path] = {
            messageAr: issue.message,
          };
        setProblems(fromIssues);
        notifications.show({
          closeButtonProps: { 'aria-label': t('reception.close') },
          color: 'red',
          title: t('reception.saveFailedTitle'),
          message: ar ? saved.messageAr : saved.messageEn,
          autoClose: false,
        });
        return;
      }
      if (editing) {
        setProblems({});
        notifications.show({
          closeButtonProps: { 'aria-label': t('reception.close') },
          color: 'teal',
          title: t('reception.edit.savedTitle'),
          message: t('reception.edit.savedBody'),
        });
        onDone?.(saved.doc);
        return;
      }
      if (result.idDocument) {
        const doc = await save(db, actor, 'documents', result.idDocument);
        if (!doc.ok)
          notifications.show({
            closeButtonProps: { 'aria-label': t('reception.close') },
            color: 'orange',
            title: t('reception.idDocumentNotSaved'),
            message: ar ? doc.messageAr : doc.messageEn,
            autoClose: false,
          });
      }
      setForm(emptyBeneficiaryForm);
      setProblems({});
      setDifferentPerson(false);
      notifications.show({
        closeButtonProps: { 'aria-label': t('reception.close') },
        color: 'teal',
        title: t('reception.savedTitle'),
        message: (
          <Anchor
            href={hrefOf('beneficiaries', result.beneficiary.id)}
            data-testid="saved-open-file"
          >
            {t('reception.savedBody', { name: result.beneficiary.fullName })}
          </Anchor>
        ),
      });
    } finally {
      setSaving(false);
    }
  }

  /** Leaving the edit: typed changes are only dropped after the person confirms. */
  const cancelEdit = () => {
    if (JSON.stringify(form) === JSON.stringify(initial)) {
      onDone?.(null);
      return;
    }
    modals.openConfirmModal({
      title: t('reception.edit.discardTitle'),
      children: <Text size="sm">{t('reception.edit.discardBody')}</Text>,
      labels: { confirm: t('reception.edit.discardConfirm'), cancel: t('reception.edit.keepEditing') },
      confirmProps: { color: 'red', 'data-testid': 'confirm-discard-edit' } as Record<string, string>,
      onConfirm: () => onDone?.(null),
    });
  };

  const hasProblems = Object.keys(problems).length > 0;
  const relationData = householdRelations.map((r) => ({
    value: r,
    label: ar ? householdRelationLabels[r].ar : householdRelationLabels[r].en,
  }));
  const genderData = genders.map((g) => ({
    value: g,
    label: ar ? genderLabels[g].ar : genderLabels[g].en,
  }));
  const g = form.gender === '' ? undefined : form.gender;
  const maritalData = maritalStatuses.map((m) => ({
    value: m,
    label: ar ? maritalStatusLabel(m, g).ar : maritalStatusLabel(m, g).en,
  }));
  const nationalityData = nationalityCodes.map((c) => ({
    value: c,
    label: ar ? nationalityLabel(c).ar : nationalityLabel(c).en,
  }));

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="registration-title">
      <form onSubmit={(e) => void submit(e)} noValidate data-testid={editing ? 'beneficiary-edit-form' : 'registration-form'}>
        <Stack gap="md">
          <Title order={3} id="registration-title">
            {editing ? t('reception.edit.title') : t('reception.formTitle')}
          </Title>
          {editing && (
            <Text size="sm" c="gray.7">
              {t('reception.edit.hint')}
            </Text>
          )}
          {hasProblems && (
            <Alert color="red" variant="light" role="alert" data-testid="form-problems">
              {editing ? t('reception.edit.fixErrors') : t('reception.errors.fixErrors')}
            </Alert>
          )}
          <Text fw={600} size="sm">
            {t('reception.sections.name')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              name="nameFirst"
              label={t('reception.fields.first')}
              value={form.first}
              onChange={(e) => set('first', e.currentTarget.value)}
              error={message('first')}
              required
              autoComplete="off"
              maxLength={60}
            />
            <TextInput
              name="nameFather"
              label={t('reception.fields.father')}
              value={form.father}
              onChange={(e) => set('father', e.currentTarget.value)}
              error={message('father')}
              autoComplete="off"
              maxLength={60}
            />
            <TextInput
              name="nameGrandfather"
              label={t('reception.fields.grandfather')}
              value={form.grandfather}
              onChange={(e) => set('grandfather', e.currentTarget.value)}
              error={message('grandfather')}
              autoComplete="off"
              maxLength={60}
            />
            <TextInput
              name="nameFamily"
              label={t('reception.fields.family')}
              value={form.family}
              onChange={(e) => set('family', e.currentTarget.value)}
              error={message('family')}
              autoComplete="off"
              maxLength={60}
            />
          </SimpleGrid>
          <Divider />
          <Text fw={600} size="sm">
            {t('reception.sections.identity')}
          </Text>
          <TextInput
            name="nationalId"
            label={t('reception.fields.nationalId')}
            description={t('reception.fields.nationalIdHint')}
            value={form.nationalId}
            onChange={(e) => set('nationalId', e.currentTarget.value)}
            error={message('nationalId')}
            inputMode="numeric"
            autoComplete="off"
            required
            maxLength={20}
            classNames={{ input: 'sila-ltr-value' }}
          />
          {!editing && (
            <DateField
              name="idExpiry"
              label={t('reception.fields.idExpiry')}
              value={form.idExpiry}
              calendar={form.idExpiryCalendar}
              onChange={(v, c) => {
                setForm((prev) => ({ ...prev, idExpiry: v, idExpiryCalendar: c }));
                setProblems((prev) => withoutProblem(prev, 'idExpiry'));
              }}
              error={message('idExpiry')}
            />
          )}
          {duplicates.length > 0 && (
            <Alert
              color={sameId ? 'red' : 'orange'}
              variant="light"
              role="alert"
              title={t('reception.duplicates.title')}
              data-testid="duplicate-alert"
            >
              <Stack gap="xs">
                {duplicates.map((d) => {
                  const other = existing.find((b) => b.id === d.existingId);
                  return (
                    <div key={d.existingId} data-testid="duplicate-candidate">
                      <Text size="sm" fw={600}>
                        {ar ? d.reasonLabelAr : d.reasonLabelEn}
                        {' — '}
                        <Anchor href={hrefOf('beneficiaries', d.existingId)}>
                          {other?.fullName ?? d.existingId}
                        </Anchor>
                        {d.existingBranchId !== actor.branchId &&
                          ` (${t('reception.otherBranch', { branch: branchName(d.existingBranchId) })})`}
                      </Text>
                      <Text size="sm">{ar ? d.messageAr : d.messageEn}</Text>
                    </div>
                  );
                })}
                {!sameId && (
                  <Checkbox
                    checked={differentPerson}
                    onChange={(e) => setDifferentPerson(e.currentTarget.checked)}
                    label={t('reception.duplicates.differentPerson')}
                    data-testid="different-person"
                  />
                )}
              </Stack>
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <DateField
              name="birthDate"
              label={t('reception.fields.birthDate')}
              value={form.birthDate}
              calendar={form.birthCalendar}
              onChange={(v, c) => {
                setForm((prev) => ({ ...prev, birthDate: v, birthCalendar: c }));
                setProblems((prev) => withoutProblem(prev, 'birthDate'));
                setDifferentPerson(false);
              }}
              error={message('birthDate')}
            />
            <Select
              name="gender"
              label={t('reception.fields.gender')}
              data={genderData}
              value={form.gender || null}
              onChange={(v) => set('gender', (v ?? '') as BeneficiaryForm['gender'])}
              error={message('gender')}
              clearable
            />
            <Select
              name="nationality"
              label={t('reception.fields.nationality')}
              data={nationalityData}
              value={form.nationality || null}
              onChange={(v) => set('nationality', v ?? '')}
              error={message('nationality')}
              searchable
              clearable
            />
            <Select
              name="maritalStatus"
              label={t('reception.fields.maritalStatus')}
              data={maritalData}
              value={form.maritalStatus || null}
              onChange={(v) => set('maritalStatus', (v ?? '') as BeneficiaryForm['maritalStatus'])}
              error={message('maritalStatus')}
              clearable
            />
          </SimpleGrid>
          <Divider />
          <Text fw={600} size="sm">
            {t('reception.sections.contact')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              name="phone"
              type="tel"
              label={t('reception.fields.phone')}
              placeholder={t('reception.fields.phonePlaceholder')}
              value={form.phone}
              onChange={(e) => set('phone', e.currentTarget.value)}
              error={message('phone')}
              inputMode="tel"
              autoComplete="off"
              maxLength={20}
              classNames={{ input: 'sila-ltr-value' }}
            />
            <TextInput
              name="city"
              label={t('reception.fields.city')}
              value={form.city}
              onChange={(e) => set('city', e.currentTarget.value)}
              error={message('city')}
              autoComplete="off"
              maxLength={80}
            />
            <TextInput
              name="district"
              label={t('reception.fields.district')}
              value={form.district}
              onChange={(e) => set('district', e.currentTarget.value)}
              error={message('district')}
              autoComplete="off"
              maxLength={80}
            />
            <TextInput
              name="street"
              label={t('reception.fields.street')}
              value={form.street}
              onChange={(e) => set('street', e.currentTarget.value)}
              error={message('street')}
              autoComplete="off"
              maxLength={120}
            />
            <TextInput
              name="buildingNumber"
              label={t('reception.fields.buildingNumber')}
              value={form.buildingNumber}
              onChange={(e) => set('buildingNumber', e.currentTarget.value)}
              error={message('buildingNumber')}
              autoComplete="off"
              maxLength={10}
              inputMode="numeric"
            />
            <TextInput
              name="postalCode"
              label={t('reception.fields.postalCode')}
              value={form.postalCode}
              onChange={(e) => set('postalCode', e.currentTarget.value)}
              error={message('postalCode')}
              autoComplete="off"
              maxLength={5}
              inputMode="numeric"
              classNames={{ input: 'sila-ltr-value' }}
            />
          </SimpleGrid>
          <Textarea
            name="addressDetails"
            label={t('reception.fields.addressDetails')}
            value={form.addressDetails}
            onChange={(e) => set('addressDetails', e.currentTarget.value)}
            error={message('addressDetails')}
            autosize
            minRows={2}
            maxLength={500}
          />
          <Divider />
          <Group justify="space-between">
            <Text fw={600} size="sm">
              {t('reception.household.title')}
            </Text>
            <Button variant="light" size="xs" onClick={addRow} data-testid="add-member">
              {t('reception.household.add')}
            </Button>
          </Group>
          {form.household.length === 0 && (
            <Text size="sm" c="gray.7">
              {t('reception.household.empty')}
            </Text>
          )}
          {form.household.map((row, i) => (
            <Paper
              key={row.key}
              withBorder
              p="sm"
              radius="sm"
              data-testid="household-row"
              aria-label={t('reception.household.member', { n: i + 1 })}
            >
              <Stack gap="xs">
                <Group justify="space-between">
                  <Text size="sm" fw={600}>
                    {t('reception.household.member', { n: i + 1 })}
                  </Text>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    onClick={() => removeRow(i)}
                    aria-label={t('reception.household.remove', { n: i + 1 })}
                    data-testid="remove-member"
                  >
                    <span aria-hidden>×</span>
                  </ActionIcon>
                </Group>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <TextInput
                    name={`household.${i}.fullName`}
                    label={t('reception.household.fullName')}
                    value={row.fullName}
                    onChange={(e) => setRow(i, { fullName: e.currentTarget.value })}
                    error={message(`household.${i}.fullName`)}
                    required
                    autoComplete="off"
                    maxLength={200}
                  />
                  <Select
                    name={`household.${i}.relation`}
                    data-testid="member-relation"
                    label={t('reception.household.relation')}
                    data={relationData}
                    value={row.relation || null}
                    onChange={(v) => setRow(i, { relation: (v ?? '') as HouseholdRow['relation'] })}
                    error={message(`household.${i}.relation`)}
                    required
                  />
                  <Select
                    name={`household.${i}.gender`}
                    label={t('reception.fields.gender')}
                    data={genderData}
                    value={row.gender || null}
                    onChange={(v) => setRow(i, { gender: (v ?? '') as HouseholdRow['gender'] })}
                    clearable
                  />
                  <TextInput
                    name={`household.${i}.nationalId`}
                    label={t('reception.household.nationalId')}
                    value={row.nationalId}
                    onChange={(e) => setRow(i, { nationalId: e.currentTarget.value })}
                    error={message(`household.${i}.nationalId`)}
                    inputMode="numeric"
                    autoComplete="off"
                    maxLength={20}
                    classNames={{ input: 'sila-ltr-value' }}
                  />
                </SimpleGrid>
                <DateField
                  name={`household.${i}.birthDate`}
                  label={t('reception.fields.birthDate')}
                  value={row.birthDate}
                  calendar={row.birthCalendar}
                  onChange={(v, c) => setRow(i, { birthDate: v, birthCalendar: c })}
                  error={message(`household.${i}.birthDate`)}
                />
                <Checkbox
                  label={t('reception.household.hasDisability')}
                  checked={row.hasDisability}
                  onChange={(e) => setRow(i, { hasDisability: e.currentTarget.checked })}
                />
              </Stack>
            </Paper>
          ))}
          <Group justify="flex-end">
            {editing && (
              <Button variant="default" onClick={cancelEdit} disabled={saving} data-testid="edit-cancel">
                {t('reception.cancel')}
              </Button>
            )}
            <Button type="submit" loading={saving} disabled={blocked} data-testid={editing ? 'edit-submit' : 'register-submit'}>
              {editing ? t('reception.edit.submit') : t('reception.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
