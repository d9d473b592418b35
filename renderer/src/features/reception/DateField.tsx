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
      <TextInput
        name={name}
        label={
          <Group gap="xs" component="span" wrap="nowrap">
            <span>{label}</span>
          </Group>
        }
        placeholder={calendar === 'hijri' ? t('reception.datePlaceholderHijri') : t('reception.datePlaceholderGregorian')}
        value={value}
        onChange={(e) => onChange(e.currentTarget.value, calendar)}
        error={error}
        inputMode="numeric"
        autoComplete="off"
        maxLength={20}
        classNames={{ input: 'sila-ltr-value' }}
        data-testid={testId}
        rightSectionWidth={150}
        rightSection={
          <SegmentedControl
            size="xs"
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
        }
      />
      {equivalent && (
        <Text size="xs" c="dimmed">
          {equivalent}
        </Text>
      )}
    </Stack>
  );
}
