import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const featuresDir = new URL('./src/features/', import.meta.url);
const features = readdirSync(featuresDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/**
 * Architecture (bulletproof-react): shared code (`lib`, `components`, `config`) never imports from
 * `features` or `app`; a feature never reaches into another feature. What two features both need
 * moves down into shared code, or the `app` layer composes them.
 */
const sharedLayerRule = {
  files: ['src/lib/**', 'src/components/**', 'src/config/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@/features/*', '@/features/**', '@/app', '@/app/**'],
            message: 'Shared code must not depend on features or the app layer.',
          },
        ],
      },
    ],
  },
};

const featureBoundaryRules = features.map((feature) => ({
  files: [`src/features/${feature}/**`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@/features/*', '@/features/**', `!@/features/${feature}`, `!@/features/${feature}/**`],
            message: `Feature "${feature}" must not import another feature. Move shared code to @/lib or @/components, or compose features in @/app.`,
          },
          {
            // A relative path that climbs out of this feature is a cross-feature import in disguise.
            group: ['../../*', '../../../*', '../../../../*'],
            message: `Import other code through "@/..." (or "@/features/${feature}/..." inside this feature), not by climbing out of the folder.`,
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: ['dist', 'node_modules', 'e2e/artifacts', 'src/api/schema.d.ts'],
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      ecmaVersion: 2023,
      globals: globals.browser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      'react-hooks': reactHooks,
      'react-refresh': reactRefresh,
    },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      eqeqeq: ['error', 'always'],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/**/*.test.{ts,tsx}', 'src/testing/**'],
    rules: {
      'react-refresh/only-export-components': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: globals.node,
    },
  },
  sharedLayerRule,
  ...featureBoundaryRules,
);
