import { Button, Stack, Text } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useState } from 'react';

import { isApiError } from '@/lib/api-error';

import { isBillingNotConfigured } from '../api/create-checkout-session';
import { useCreatePortalSession } from '../api/create-portal-session';
import { leaveFor } from '@/lib/leave';
import { BillingNotConfigured } from './billing-not-configured';

/**
 * "Manage billing": opens the Stripe customer portal (payment method, invoices, cancellation).
 * Render it only for org admins (`billing:manage`) of a tenant with a billing account.
 */
export function ManageBillingButton() {
  const portal = useCreatePortalSession();
  const [redirecting, setRedirecting] = useState(false);

  const open = () =>
    portal.mutate(undefined, {
      onSuccess: ({ url }) => {
        setRedirecting(true);
        leaveFor(url);
      },
    });

  return (
    <Stack gap={4} align="flex-end">
      <Button
        variant="default"
        size="sm"
        rightSection={<IconExternalLink size={14} aria-hidden />}
        loading={portal.isPending || redirecting}
        onClick={open}
      >
        Manage billing
      </Button>
      {portal.isError &&
        (isBillingNotConfigured(portal.error) ? (
          <BillingNotConfigured />
        ) : (
          <Text size="xs" c="red" role="alert" maw={320} ta="right" data-testid="portal-error">
            {isApiError(portal.error) ? portal.error.detail || portal.error.title : 'The billing portal could not be opened.'}
          </Text>
        ))}
    </Stack>
  );
}
