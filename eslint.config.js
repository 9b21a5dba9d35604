// Lint rules carry two of the project's contracts (see ../shared/STYLE.md):
// determinism bans (no ambient randomness or wall clock below the edges) and the
// import direction between top-level folders (see ../shared/DESIGN.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const FOLDERS = [
  'sim-cluster',
  'policies',
  'env',
  'agents',
  'training',
  'eval',
  'controller',
  'demo',
  'cli',
];

/** Which of our folders each folder may import (DESIGN.md, "Top-level layout"). */
const MAY_IMPORT = {
  'sim-cluster': [],
  policies: ['sim-cluster'],
  env: ['sim-cluster', 'policies'],
  agents: ['env', 'sim-cluster', 'policies'],
  training: ['env', 'agents', 'policies', 'sim-cluster'],
  eval: ['sim-cluster', 'policies', 'agents', 'env'],
  controller: ['policies', 'agents', 'sim-cluster', 'env'],
  demo: ['controller', 'policies', 'sim-cluster'],
  cli: FOLDERS,
};

const importDirection = FOLDERS.filter((f) => f !== 'cli').map((folder) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: FOLDERS.filter(
          (other) => other !== folder && !MAY_IMPORT[folder].includes(other),
        ).map((other) => ({
          group: [`../${other}/*`, `../../${other}/*`, `../${other}`, `../../${other}`],
          message: `${folder}/ may not import ${other}/ (DESIGN.md import direction).`,
        })),
      },
    ],
  },
}));

/** Ambient randomness and wall-clock reads break bit-for-bit reproducibility. */
const determinism = {
  files: ['sim-cluster/**/*.ts', 'policies/**/*.ts', 'env/**/*.ts', 'agents/**/*.ts'],
  ignores: ['**/io/**', '**/*-io.ts', 'agents/backend.ts'],
  rules: {
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'Use a seeded stream from sim-cluster/rng.' },
      { object: 'Date', property: 'now', message: 'Inject a clock at the edge.' },
      { object: 'performance', property: 'now', message: 'Inject a clock at the edge.' },
    ],
    'no-restricted-syntax': [
      'error',
      { selector: "NewExpression[callee.name='Date']", message: 'Inject a clock at the edge.' },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  ...importDirection,
  determinism,
);
