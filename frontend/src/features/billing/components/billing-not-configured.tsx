import { Alert, Anchor } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';

import { supportEmail } from '@/config/product';

/**
 * The server has no Stripe key (GET /billing/subscription `stripe_configured: false`, or a 503
 * `billing-not-configured` from checkout or the portal): plans change through support only.
 */
export function BillingNotConfigured() {
  return (
    <Alert
      color="gray"
      variant="light"
      icon={<IconInfoCircle size={18} />}
      title="Online billing is not available"
      data-testid="billing-not-configured"
    >
      Online billing is not configured on this server; contact{' '}
      <Anchor href={`mailto:${supportEmail}`} inherit>
        {supportEmail}
      </Anchor>{' '}
      to change your package.
    </Alert>
  );
}
