// Lint of the web app: every text a component shows goes through the translation layer
// (src/i18n): a literal string in JSX (text, attributes a person reads, or expressions
// inside JSX) fails `npm run lint:i18n`, which `make test` runs (CTest web_i18n).
import i18next from 'eslint-plugin-i18next';
import tseslint from 'typescript-eslint';

// The plugin's rule skips everything under a variable whose name is all capitals (meant for
// `const API_URL = '...'`), so a component named `FAQ` or `OK` went unchecked. In jsx-only
// mode strings outside JSX are not checked anyway, so here every variable counts as an
// ordinary one: the JSX a component returns is checked whatever its name.
const noLiteralString = i18next.rules['no-literal-string'];
const checkedEverywhere = {
  meta: noLiteralString.meta,
  create(context) {
    const visitor = noLiteralString.create(context);
    const enter = visitor.VariableDeclarator;
    visitor.VariableDeclarator = (node) => enter({ ...node, id: { ...node.id, name: 'variable' } });
    return visitor;
  },
};
const i18n = { rules: { 'no-literal-string': checkedEverywhere } };

export default [
  { ignores: ['dist/**', 'node_modules/**', 'src/lib/api/schema.d.ts'] },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.{ts,tsx}', 'src/test/**'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    // No `eslint-disable` comment can switch the check off.
    linterOptions: { noInlineConfig: true },
    plugins: { i18n },
    rules: {
      'i18n/no-literal-string': [
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
            // Punctuation and symbols alone are not words (the plugin's defaults plus a few).
            // Single words are (lower-case or capitals: "or", "OK"); what is not text is
            // named instead by the attribute and callee lists.
            exclude: ['[0-9!-/:-@[-`{-~]+', '[\\s✓✕•·–—…×→←▲]+'],
          },
          callees: {
            // Arguments that are keys, identifiers or field names, not text.
            exclude: [
              'i18n(ext)?', 't', 'require', 'addEventListener', 'removeEventListener', 'postMessage',
              'getElementById', 'includes', 'indexOf', 'endsWith', 'startsWith', 'fieldError', 'get',
              'set', 'has', 'delete', 'encodeURIComponent', 'getItem', 'setItem', 'removeItem',
              'querySelector', 'join', 'split', 'replace', 'padStart', 'Error', 'TypeError', 'hasRole', 'navigate',
              // Field paths (`ticket_types[0].name`) of the event form, not text.
              'fieldAt', 'typeField',
            ],
          },
          message: 'Text shown to a person goes through t() (src/i18n/en.json)',
        },
      ],
    },
  },
];
