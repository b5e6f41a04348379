// Lint of the web app: every text a component shows goes through the translation layer
// (src/i18n): a literal string in JSX (text, attributes a person reads, or expressions
// inside JSX) fails `npm run lint:i18n`, which `make test` runs (CTest web_i18n).
import i18next from 'eslint-plugin-i18next';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['dist/**', 'node_modules/**', 'src/lib/api/schema.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}', 'src/test/**'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'should-validate-template': true,
          'jsx-attributes': {
            exclude: [
              'className', 'style', 'type', 'key', 'id', 'width', 'height', 'htmlFor', 'to', 'href',
              'name', 'autoComplete', 'inputMode', 'role', 'rel', 'target', 'method', 'accept',
              'pattern', 'list', 'value', 'defaultValue', 'step', 'min', 'max', 'dateTime', 'lang', 'src',
              'data-(field|testid)', 'aria-(labelledby|describedby|controls|live|current|invalid|hidden|expanded|busy)',
              'download', 'capture', 'enterKeyHint', 'spellCheck', 'autoCapitalize', 'variant', 'status',
              'kind', 'as', 'size', 'tone', 'wrap', 'path', 'i18nKey', 'mode', 'facingMode', 'preload',
            ],
          },
          words: {
            // Punctuation and symbols alone are not words (the plugin's defaults plus a few),
            // nor is one lower-case token such as a field path (`ticket_types[0].name`).
            exclude: ['[0-9!-/:-@[-`{-~]+', '[A-Z_-]+', '[\\s✓✕•·–—…×→←▲]+', '[a-z0-9_.\\[\\]${}:/#?=&-]+'],
          },
          callees: {
            // Arguments that are keys, identifiers or field names, not text.
            exclude: [
              'i18n(ext)?', 't', 'require', 'addEventListener', 'removeEventListener', 'postMessage',
              'getElementById', 'includes', 'indexOf', 'endsWith', 'startsWith', 'fieldError', 'get',
              'set', 'has', 'delete', 'encodeURIComponent', 'getItem', 'setItem', 'removeItem',
              'querySelector', 'join', 'split', 'replace', 'padStart', 'Error', 'TypeError', 'hasRole', 'navigate',
            ],
          },
          message: 'Text shown to a person goes through t() (src/i18n/en.json)',
        },
      ],
    },
  },
];
