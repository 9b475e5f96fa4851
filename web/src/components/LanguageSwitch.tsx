import { SegmentedControl } from '@mantine/core';
import { useI18n } from '../i18n.js';

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('header.language')}
      value={lang}
      onChange={(v) => setLang(v)}
      data={[
        { value: 'fr', label: 'FR' },
        { value: 'en', label: 'EN' },
      ]}
      data-testid="lang-switch"
    />
  );
}
