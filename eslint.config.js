// Flat config: typescript-eslint's type-aware rules for src/ and tests, with
// Prettier owning all formatting (eslint-config-prettier turns style rules off).
import eslint from '@eslint/js'
import { defineConfig } from 'eslint/config'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'reports/', '.stryker-tmp/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // TypeScript already reports undefined names, with the right globals per file.
      'no-undef': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Every line to the runner leaves through src/sink.ts (one printable line,
    // the key guarded): @actions/core's log functions, console and stdout are
    // refused everywhere else in src/, and only main.ts may import core at all.
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "MemberExpression[object.name='core'][property.name=/^(info|warning|error|notice|debug|setFailed|startGroup|endGroup|group)$/]",
          message: 'Write to the runner through the sink (src/sink.ts).',
        },
        {
          selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr)$/]",
          message: 'Write to the runner through the sink (src/sink.ts).',
        },
        {
          // One call through ICU loads its locale data for the rest of the run (7 MiB for
          // a number format, 3 MiB for collation): docs/benchmarks.md, "Scale".
          selector:
            "MemberExpression[property.name=/^(toLocaleString|toLocaleDateString|toLocaleTimeString|localeCompare)$/], Identifier[name='Intl']",
          message: 'No Intl in src/: use thousands() (src/text.ts) or a plain comparison.',
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@actions/core', message: 'Only src/main.ts talks to the runner.' }] },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bench/**/*.mjs', 'build/**/*.mjs', '__tests__/**/*.mjs', '*.js'],
    rules: {
      // Plain JS (checked by tsc through JSDoc) gives typed rules too little to work with.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  prettier,
)
