/** A date typed in the Hijri or the Gregorian calendar (day/month/year), with the other calendar's equivalent. */
import { Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CalendarKind } from '../../../../shared/dates/calendar';
import { interpretDateInput, switchDateCalendar } from '../documents/dateInput';

export interface DateFieldProps {
  name: string;
  label: string;
  value: string;
  calendar: CalendarKind;
  onChange(value: string, calendar: CalendarKind): void;
  error?: string | undefined;
  testId?: string;
}

export function DateField({ name, label, value, calendar, onChange, error, testId }: DateFieldProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'ar' ? 'ar' : 'en';
  const state = interpretDateInput(value, calendar);
  const equivalent = state.state === 'valid' ? (locale === 'ar' ? state.equivalentAr : state.equivalentEn) : '';
  return (
    <Stack gap={4}>
      <Group gap="xs" align="flex-start" wrap="nowrap">
        <TextInput
          style={{ flex: 1 }}
          name={name}
          label={label}
          placeholder={calendar === 'hijri' ? t('reception.datePlaceholderHijri') : t('reception.datePlaceholderGregorian')}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value, calendar)}
          error={error}
          inputMode="numeric"
          autoComplete="off"
          maxLength={20}
          data-testid={testId}
        />
        <SegmentedControl
          mt={25}
          aria-label={t('reception.calendar')}
          value={calendar}
          onChange={(next) => {
            const to = next === 'gregorian' ? 'gregorian' : 'hijri';
            onChange(switchDateCalendar(value, calendar, to), to);
          }}
          data={[
            { value: 'hijri', label: t('reception.hijri') },
            { value: 'gregorian', label: t('reception.gregorian') },
          ]}
        />
      </Group>
      {equivalent && (
        <Text size="xs" c="gray.7">
          {equivalent}
        </Text>
      )}
    </Stack>
  );
}
