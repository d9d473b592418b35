import { useState } from 'react';
import { NumberInput, Paper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { getIdleLockMinutes, idleLockBounds, setIdleLockMinutes } from './idleLock';

/** Settings: minutes without use before Sila locks (saved at once; applies from the next keystroke or click). */
export function IdleLockSetting() {
  const { t } = useTranslation();
  const [minutes, setMinutes] = useState<number>(() => getIdleLockMinutes());
  return (
    <Paper withBorder radius="md" p="lg">
      <NumberInput
        name="idleLockMinutes"
        data-testid="settings-idle-lock"
        label={t('settings.idleLockMinutes')}
        description={t('settings.idleLockHint')}
        min={idleLockBounds.min}
        max={idleLockBounds.max}
        clampBehavior="strict"
        allowDecimal={false}
        value={minutes}
        onChange={(v) => {
          const n = typeof v === 'number' ? v : Number(v);
          if (setIdleLockMinutes(n)) setMinutes(n);
        }}
      />
    </Paper>
  );
}
