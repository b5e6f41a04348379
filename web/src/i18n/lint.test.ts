// @vitest-environment node
// The translation check can fail: the lint rule `make test` runs (CTest web_i18n) flags a
// component that shows literal text, and passes the same component written with t().
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

async function lint(code: string) {
  const eslint = new ESLint({ cwd: process.cwd() });
  const [result] = await eslint.lintText(code, { filePath: 'src/features/example/Example.tsx' });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the i18n lint rule', () => {
  it('flags literal text, attributes a person reads and strings in JSX expressions', async () => {
    // (Components are function declarations here, as in the app: the plugin does not look
    // into a JSX expression that is a module-level arrow's whole body.)
    expect(await lint('export function A() { return <p>Hello there</p>; }')).toHaveLength(1);
    expect(await lint('export function A() { return <input placeholder="Your name" />; }')).toHaveLength(1);
    expect(await lint("export function A({ ok }: { ok: boolean }) { return <p>{ok ? 'Saved' : 'Not saved'}</p>; }")).toHaveLength(2);
    expect(await lint('export function A({ n }: { n: number }) { return <p>{`${n} seats left`}</p>; }')).toHaveLength(1);
    expect(await lint('export function A({ xs }: { xs: string[] }) { return <ul>{xs.map((x) => <li key={x}>Remove</li>)}</ul>; }')).toHaveLength(1);
  });

  it('passes text from t(), class names, ids and field paths', async () => {
    const ok = `
      import { useTranslation } from 'react-i18next';
      export function A({ i }: { i: number }) {
        const { t } = useTranslation();
        return <p className="hint" id="x" data-field={\`items[\${i}].quantity\`}>{t('register.title')}</p>;
      }`;
    expect(await lint(ok)).toEqual([]);
  });
});
