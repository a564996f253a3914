import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { applyGrant, installAuth } from '@/lib/auth/session';
import { grantFor, jsonResponse, renderWithProviders, stubApi } from '@/testing/test-utils';

import { TenantSwitcher } from './tenant-switcher';

describe('TenantSwitcher', () => {
  it('cuts a long Arabic organization name at its end, not its beginning, and shows it whole on hover', async () => {
    const name = 'شركة الاتصالات السعودية المحدودة للتقنية والمعلومات والخدمات الرقمية';
    const grant = grantFor({}, { id: 'tenant-1', name, role: 'org_admin' });
    installAuth();
    applyGrant(grant);
    stubApi({
      'GET /me': () =>
        jsonResponse({
          user: grant.user,
          tenant: grant.tenant,
          memberships: [{ tenant_id: 'tenant-1', tenant_name: name, role: 'org_admin', status: 'active' }],
          package: { code: 'free', name: 'Free' },
          permissions: [],
        }),
    });
    renderWithProviders(<TenantSwitcher />);

    const shown = await screen.findByText(name);
    // An LTR box clips right-to-left text on the right, where the name begins; its own direction
    // puts the ellipsis on the left, at the name's end.
    expect(shown).toHaveAttribute('dir', 'auto');
    expect(shown).toHaveAttribute('title', name);
  });
});
