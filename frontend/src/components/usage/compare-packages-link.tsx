import { Anchor } from '@mantine/core';
import { Link } from 'react-router-dom';

import { usePermissions } from '@/lib/auth/permissions';

/** "Compare packages" → the Billing page, for those who may read the plan (usage:read). */
export function ComparePackagesLink() {
  const permissions = usePermissions();
  if (!permissions.has('usage:read')) return null;
  return (
    <Anchor component={Link} to="/billing" size="sm" mt="xs" display="inline-block">
      Compare packages
    </Anchor>
  );
}
