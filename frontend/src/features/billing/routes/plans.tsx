import { Alert, Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { IconArrowLeft, IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { usePermissions } from '@/lib/auth/permissions';
import type { Package } from '@/lib/usage/get-usage';
import { useDocumentTitle } from '@/lib/use-document-title';

import { isBillingNotConfigured, useCreateCheckoutSession } from '../api/create-checkout-session';
import { useBilling } from '../api/get-billing';
import { usePackages } from '../api/list-packages';
import { BillingNotConfigured } from '../components/billing-not-configured';
import { ManageBillingButton } from '../components/manage-billing-button';
import { PackageComparison } from '../components/package-comparison';
import { leaveFor } from '@/lib/leave';

/**
 * /packages: every package side by side (GET /packages; a card each on a phone), the one in force
 * highlighted. Org admins (`billing:manage`) buy a paid package with a Stripe price through Stripe
 * Checkout; the package changes when Stripe's webhook confirms the payment, never on the way back.
 */
export function PlansRoute() {
  useDocumentTitle('Packages');
  const packages = usePackages();
  const billing = useBilling();
  const canManage = usePermissions().has('billing:manage');
  const checkout = useCreateCheckoutSession();
  const [redirecting, setRedirecting] = useState<string | null>(null);

  const choose = (pkg: Package) =>
    checkout.mutate(
      { packageCode: pkg.code },
      {
        onSuccess: ({ url }) => {
          setRedirecting(pkg.code);
          leaveFor(url);
        },
      },
    );

  const data = billing.data;
  const notConfigured = (data !== undefined && !data.stripe_configured) || isBillingNotConfigured(checkout.error);
  // A running Stripe subscription changes in the portal; the server says whether one runs (a plan set
  // by staff may keep it, or have ended it).
  const viaPortal = data !== undefined && !data.checkout_allowed;
  const current = data?.usage.package;
  const subscribedCode = data?.usage.downgraded
    ? packages.data?.items.find((p) => p.id === data.usage.subscription?.package_id)?.code
    : undefined;
  const showActions = canManage && data !== undefined && !notConfigured && !viaPortal;
  const busy = checkout.isPending || redirecting !== null;

  const action = (pkg: Package) => {
    if (pkg.code === current?.code) {
      return (
        <Text size="sm" fw={500}>
          Your package
        </Text>
      );
    }
    if (pkg.price_cents === 0) {
      return (
        <Text size="sm" c="dimmed">
          —
        </Text>
      );
    }
    if (!pkg.stripe_price_id) {
      return (
        <Text size="xs" c="dimmed">
          Not sold online: contact support
        </Text>
      );
    }
    const label = pkg.price_cents > (current?.price_cents ?? 0) ? 'Upgrade' : 'Choose';
    const pending = (checkout.isPending && checkout.variables?.packageCode === pkg.code) || redirecting === pkg.code;
    return (
      <Button
        size="xs"
        variant={label === 'Upgrade' ? 'filled' : 'light'}
        loading={pending}
        disabled={busy && !pending}
        onClick={() => choose(pkg)}
        aria-label={label === 'Upgrade' ? `Upgrade to ${pkg.name}` : `Choose ${pkg.name}`}
        data-testid={`choose-${pkg.code}`}
      >
        {label}
      </Button>
    );
  };

  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader
        title="Packages"
        description="Compare the packages: price per month and every limit."
        actions={
          <Button variant="subtle" component={Link} to="/billing" leftSection={<IconArrowLeft size={16} aria-hidden />}>
            Package &amp; usage
          </Button>
        }
      />

      {billing.isError && <ApiErrorAlert error={billing.error} onRetry={() => void billing.refetch()} />}

      {data !== undefined && !canManage && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="ask-org-admin">
          Ask an org admin to change the package.
        </Alert>
      )}
      {canManage && notConfigured && <BillingNotConfigured />}
      {canManage && !notConfigured && viaPortal && (
        <Alert color="blue" variant="light" title="Your package is billed through Stripe" data-testid="change-in-portal">
          <Group justify="space-between" align="center" gap="sm">
            <Text size="sm">To switch to another package or cancel, use the billing portal.</Text>
            {data?.has_billing_account && <ManageBillingButton />}
          </Group>
        </Alert>
      )}
      {checkout.isError && !isBillingNotConfigured(checkout.error) && <ApiErrorAlert error={checkout.error} />}

      {packages.isPending || billing.isPending ? (
        <Skeleton height={320} aria-label="Loading packages" />
      ) : packages.isError ? (
        <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />
      ) : (
        <PackageComparison
          packages={packages.data.items}
          currentCode={current?.code ?? ''}
          subscribedCode={subscribedCode}
          actions={showActions ? { label: 'Change package', render: action } : undefined}
        />
      )}

      {showActions && (
        <Text size="xs" c="dimmed">
          Paying happens on Stripe&apos;s secure Checkout page. Your package changes as soon as Stripe confirms the
          payment; until then the current limits stay.
        </Text>
      )}
    </Stack>
  );
}
