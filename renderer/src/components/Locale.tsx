import { useEffect } from 'react';
import { Button, useDirection } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useSession } from '../state/session';
import { applyDocumentLocale, directionOf } from '../i18n';

/** Keeps i18next, `<html lang dir>` and Mantine's direction in step with the chosen locale. */
export function LocaleSync() {
  const { i18n } = useTranslation();
  const locale = useSession((s) => s.locale);
  const { setDirection } = useDirection();
  useEffect(() => {
    applyDocumentLocale(locale);
    setDirection(directionOf(locale));
    if (i18n.language !== locale) void i18n.changeLanguage(locale);
    document.title = i18n.getFixedT(locale)('app.name');
  }, [locale, i18n, setDirection]);
  return null;
}

export function LocaleToggle() {
  const { t } = useTranslation();
  const locale = useSession((s) => s.locale);
  const setLocale = useSession((s) => s.setLocale);
  const other = locale === 'ar' ? 'en' : 'ar';
  return (
    <Button
      variant="default"
      size="xs"
      onClick={() => setLocale(other)}
      lang={other}
      aria-label={t('locale.switchLabel')}
      data-testid="locale-toggle"
    >
      {t('locale.switchTo')}
    </Button>
  );
}

