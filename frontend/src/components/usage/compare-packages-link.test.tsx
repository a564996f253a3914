import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { ComparePackagesLink } from './compare-packages-link';

function signIn(role: 'org_admin' | 'member' | 'viewer', permissions: string[]) {
  installAuth();
  applyGrant(grantFor({}, { id: 'tenant-1', name: 'Acme', role }));
  stubApi({
    'GET /me': () =>
      jsonResponse({
        user: grantFor().user,
        tenant: { id: 'tenant-1', name: 'Acme', role, status: 'active' },
        memberships: [],
        permissions,
      }),
  });
}

describe('ComparePackagesLink', () => {
  it('sends an org admin to the Billing page to change the package', async () => {
    signIn('org_admin', ['usage:read', 'billing:read', 'billing:manage']);
    renderWithProviders(<ComparePackagesLink />);
    expect(await screen.findByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
    expect(screen.queryByTestId('ask-org-admin')).not.toBeInTheDocument();
  });

  it.each([['member'], ['viewer']] as const)('tells a %s to ask an org admin for a larger package', async (role) => {
    signIn(role, ['usage:read', 'billing:read']);
    renderWithProviders(<ComparePackagesLink />);
    expect(await screen.findByTestId('ask-org-admin')).toHaveTextContent(
      'Only an org admin can move the organization to a larger package: ask one.',
    );
    expect(screen.getByRole('link', { name: 'Compare packages' })).toHaveAttribute('href', '/billing');
  });
});
