import { describe, expect, it } from 'vitest';

import { emptyPackageValues, validatePackage } from './package-form';

describe('validatePackage', () => {
  it('counts characters as the server does: emoji are one each, the spaces around a text none', () => {
    const values = {
      ...emptyPackageValues,
      code: 'team',
      name: ` ${'🚀'.repeat(100)} `,
      description: `${'🚀'.repeat(500)}\n`,
    };
    expect(validatePackage(values)).toEqual({});
    expect(validatePackage({ ...values, name: '🚀'.repeat(101), description: '🚀'.repeat(501) })).toEqual({
      name: 'must be 1 to 100 characters',
      description: 'must be at most 500 characters',
    });
  });
});
