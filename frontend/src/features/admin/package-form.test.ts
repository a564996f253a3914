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

  it('bounds the import file size as the server does: 1 KiB to 4 GiB, the most an upload may be', () => {
    const values = { ...emptyPackageValues, code: 'team', name: 'Team' };
    expect(validatePackage({ ...values, max_import_file_bytes: 4 * 1024 ** 3 })).toEqual({});
    expect(validatePackage({ ...values, max_import_file_bytes: 4 * 1024 ** 3 + 1 })).toEqual({
      max_import_file_bytes: 'must be at most 4294967296',
    });
    expect(validatePackage({ ...values, max_import_file_bytes: 1023 })).toEqual({
      max_import_file_bytes: 'must be at least 1024',
    });
  });
});
