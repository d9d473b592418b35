/** A document date typed in the Hijri or the Gregorian calendar, with the other calendar's equivalent live. */
import { SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CalendarKind } from '../../../../shared/dates';
import { interpretDateInput, switchDateCalendar } from './dateInput';

export interface DocumentDateFieldProps {
  name: string;
  label: string;
  value: string;
  calendar: CalendarKind;
  onChange(value: string, calendar: CalendarKind): void;
  /** A problem reported on save (shown instead of the live parsing message). */
  error?: string | undefined;
}

export function DocumentDateField({
  name,
  label,
  value,
  calendar,
  onChange,
  error,
}: DocumentDateFieldProps) {
  const { t, i18n } = useTranslation();
  const ar = i18n.language === 'ar';
  const state = interpretDateInput(value, calendar);
  const live = state.state === 'invalid' ? (ar ? state.messageAr : state.messageEn) : undefined;
  return (
    <Stack gap={4}>
      <SegmentedControl
        size="xs"
        aria-label={t('documents.calendarOf', { field: label })}
        value={calendar}
        data-testid={`${name}-calendar`}
        onChange={(next) => {
          const to: CalendarKind = next === 'gregorian' ? 'gregorian' : 'hijri';
          onChange(switchDateCalendar(value, calendar, to), to);
        }}
        data={[
          { value: 'hijri', label: t('documents.hijri') },
          { value: 'gregorian', label: t('documents.gregorian') },
        ]}
        style={{ alignSelf: 'flex-start' }}
      />
      <TextInput
        name={name}
        label={label}
        description={calendar === 'hijri' ? t('documents.hijriHint') : t('documents.gregorianHint')}
        placeholder={calendar === 'hijri' ? '15/03/1446' : '18/09/2024'}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value, calendar)}
        error={error ?? live}
        inputMode="numeric"
        autoComplete="off"
        maxLength={20}
        classNames={{ input: 'sila-ltr-value' }}
        data-testid={`${name}-input`}
      />
      {state.state === 'valid' && (
        <Text size="xs" c="gray.7" data-testid={`${name}-equivalent`}>
          {t('documents.equivalent', { date: ar ? state.equivalentAr : state.equivalentEn })}
        </Text>
      )}
    </Stack>
  );
}
