import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router-dom';

import { usePermissions } from '@/lib/auth/permissions';

/**
 * "Compare packages" → the Billing page, for those who may read the plan (usage:read). Only org
 * admins (billing:manage) change the package: everyone else is told to ask one, so that a member
 * who hits a limit knows whom to turn to rather than finding that out on the Billing page.
 */
export function ComparePackagesLink() {
  const permissions = usePermissions();
  if (!permissions.has('usage:read')) return null;
  const link = (
    <Anchor component={Link} to="/billing" size="sm">
      Compare packages
    </Anchor>
  );
  if (permissions.has('billing:manage')) {
    return (
      <Text size="sm" mt="xs">
        {link}
      </Text>
    );
  }
  return (
    <Text size="sm" mt="xs" data-testid="ask-org-admin">
      Only an org admin can move the organization to a larger package: ask one. {link}
    </Text>
  );
}
