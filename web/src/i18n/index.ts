// The translation layer: every text the app shows is a key of en.json (one resource file,
// keys grouped by feature), looked up with `t` (useTranslation) or <Trans>. English only for
// now; another language is another resource file. Dates, numbers and money are formatted
// by the browser's locale in lib/format.ts.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';

export const resources = { en: { translation: en } } as const;

void i18n.use(initReactI18next).init({
  lng: 'en',
  fallbackLng: 'en',
  resources,
  initAsync: false,
  interpolation: { escapeValue: false }, // React escapes what it renders
  returnNull: false,
});

export default i18n;
