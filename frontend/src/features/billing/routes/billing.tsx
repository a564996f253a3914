import { Alert, Anchor, Badge, Button, Card, DataList, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { IconArrowsExchange } from '@tabler/icons-react';
import { Link } from 'react-router-dom';

import { ApiUsageByKey } from '@/components/api-keys/api-usage-by-key';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { PlanLimits } from '@/components/usage/plan-limits';
import { UsageMeters } from '@/components/usage/usage-meters';
import { usePermissions } from '@/lib/auth/permissions';
import { formatMomentWithZone, formatPrice, formatResetTime, formatStatus } from '@/lib/format';
import { useUsage, type Package, type Usage } from '@/lib/usage/get-usage';
import { periodEnded as hasPeriodEnded, sourceLabel, staffPlanOver as isStaffPlanOver } from '@/lib/usage/subscription-state';
import { useDocumentTitle } from '@/lib/use-document-title';

import { useBilling, type Billing } from '../api/get-billing';
import { usePackages } from '../api/list-packages';
import { BillingHistory } from '../components/billing-history';
import { CheckoutNotAppliedNotice, CheckoutReturn } from '../components/checkout-return';
import { ManageBillingButton } from '../components/manage-billing-button';
import { OverLimitNotices } from '../components/over-limit-notices';
import { PackageComparison } from '../components/package-comparison';
import { statusColors, statusHints } from '../subscription-labels';

/**
 * /billing: the tenant's package and subscription (status, period, source, the Stripe portal),
 * what the limits block right now, a meter for every limit, the history of plan changes and the
 * packages to compare. `?checkout=success|cancelled` is where Stripe Checkout sends the user back.
 */
export function BillingRoute() {
  useDocumentTitle('Package & usage');
  const usage = useUsage();
  const packages = usePackages();
  const billing = useBilling();
  const permissions = usePermissions();
  const canSeeApiKeys = permissions.has('api_keys:manage');
  const canManageBilling = permissions.has('billing:manage');
  const subscribedPackage = packages.data?.items.find((p) => p.id === usage.data?.subscription?.package_id);

  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader
        title="Package & usage"
        description="Your package, what it allows, and how much of it is used this month."
        actions={
          <Button component={Link} to="/packages" variant="light" leftSection={<IconArrowsExchange size={16} aria-hidden />}>
            Compare packages
          </Button>
        }
      />
      <CheckoutReturn billing={billing.data} />
      <CheckoutNotAppliedNotice billing={billing.data} />
      {usage.isPending ? (
        <Skeleton height={240} aria-label="Loading usage" />
      ) : usage.isError ? (
        <ApiErrorAlert error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <>
          <CurrentPlan
            usage={usage.data}
            subscribedPackage={subscribedPackage}
            billing={billing.data}
            canManageBilling={canManageBilling}
          />
          <OverLimitNotices usage={usage.data} />
          <Card withBorder padding="md">
            <Stack gap="md">
              <Title order={2} size="h4">
                Usage
              </Title>
              <UsageMeters usage={usage.data} />
            </Stack>
          </Card>
          <Card withBorder padding="md">
            <Stack gap="md">
              <Title order={2} size="h4">
                Limits of the {usage.data.package.name} package
              </Title>
              <PlanLimits pkg={usage.data.package} />
            </Stack>
          </Card>
          {canSeeApiKeys && (
            <Card withBorder padding="md" data-testid="api-usage">
              <Stack gap="md">
                <Title order={2} size="h4">
                  API usage
                </Title>
                <Text size="sm" c="dimmed">
                  Requests per API key over the last 30 days.
                </Text>
                <ApiUsageByKey />
              </Stack>
            </Card>
          )}
        </>
      )}
      <Stack gap="sm">
        <Title order={2} size="h4">
          Compare packages
        </Title>
        {packages.isPending ? (
          <Skeleton height={200} aria-label="Loading packages" />
        ) : packages.isError ? (
          <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />
        ) : (
          <PackageComparison packages={packages.data.items} currentCode={usage.data?.package.code ?? ''} />
        )}
        {/* Only org admins change the package; the Packages page tells everyone else to ask one. */}
        <Text size="sm" data-testid="change-plan">
          {canManageBilling ? (
            <Anchor component={Link} to="/packages">
              Change your package on the Packages page
            </Anchor>
          ) : (
            'Ask an org admin to change the package.'
          )}
        </Text>
      </Stack>
      <Card withBorder padding="md" data-testid="billing-history-card">
        <Stack gap="md">
          <Title order={2} size="h4">
            History of changes
          </Title>
          {billing.isPending ? (
            <Skeleton height={80} aria-label="Loading billing history" />
          ) : billing.isError ? (
            <ApiErrorAlert error={billing.error} onRetry={() => void billing.refetch()} />
          ) : (
            <BillingHistory events={billing.data.history} packages={packages.data?.items} />
          )}
        </Stack>
      </Card>
    </Stack>
  );
}

/**
 * When the period ends, in the viewer's zone as the quota resets are shown (the date alone at
 * midnight there, else the time and zone: a plan staff set until Dec 31 ends at 23:59:59 UTC, which
 * is "Jan 1, 2027, 8:59 AM GMT+9" in Tokyo), and beside it the UTC moment staff and Stripe set where
 * that reads differently, as the admin tenant page shows it.
 */
function PeriodEnd({ value }: { value: string }) {
  const date = new Date(value);
  const utc = Number.isNaN(date.getTime()) ? undefined : formatMomentWithZone(date, 'UTC');
  return (
    <>
      <span data-testid="period-end">{formatResetTime(value)}</span>
      {utc && utc !== formatMomentWithZone(date) && (
        <Text component="span" size="xs" c="dimmed" data-testid="period-end-utc">
          {' '}
          ({utc})
        </Text>
      )}
    </>
  );
}

type CurrentPlanProps = {
  usage: Usage;
  /** The subscription's package (it differs from `usage.package` when downgraded). */
  subscribedPackage?: Package;
  /** GET /billing/subscription, for the portal button; undefined while loading. */
  billing?: Billing;
  canManageBilling: boolean;
};

function CurrentPlan({ usage, subscribedPackage, billing, canManageBilling }: CurrentPlanProps) {
  const { package: pkg, subscription } = usage;
  const showPortal = canManageBilling && billing?.stripe_configured === true && billing.has_billing_account;
  const periodEnd = subscription?.current_period_end;
  const periodEnded = hasPeriodEnded(usage);
  const staffPlanOver = isStaffPlanOver(usage);
  const ended = periodEnded || staffPlanOver;
  return (
    <Card withBorder padding="md" data-testid="current-plan">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Current package
            </Text>
            <Title order={2} size="h3" data-testid="current-package">
              {pkg.name}
            </Title>
            {pkg.description && (
              <Text size="sm" c="dimmed">
                {pkg.description}
              </Text>
            )}
          </Stack>
          <Stack gap={4} align="flex-end">
            <Text fw={600}>
              {formatPrice(pkg.price_cents, pkg.currency)}
              {pkg.price_cents > 0 && ' / month'}
            </Text>
            {subscription ? (
              <>
                <Badge
                  color={periodEnded ? 'red' : staffPlanOver ? 'gray' : (statusColors[subscription.status] ?? 'gray')}
                  variant="light"
                  data-testid="subscription-status"
                >
                  {ended ? 'Ended' : formatStatus(subscription.status)}
                </Badge>
                <Text size="xs" c="dimmed" data-testid="subscription-status-hint">
                  {staffPlanOver
                    ? 'The package set by platform staff has ended: your Stripe subscription applies again.'
                    : periodEnded
                      ? 'The period has ended: the package is no longer in force.'
                      : statusHints[subscription.status]}
                </Text>
              </>
            ) : (
              <Badge color="gray" variant="light" data-testid="subscription-status">
                No subscription
              </Badge>
            )}
            {showPortal && <ManageBillingButton />}
          </Stack>
        </Group>
        {subscription && (
          <DataList size="sm" gap="xs" labelWidth="160px">
            <DataList.Item>
              <DataList.ItemLabel>Source</DataList.ItemLabel>
              <DataList.ItemValue data-testid="subscription-source">{sourceLabel(subscription.source)}</DataList.ItemValue>
            </DataList.Item>
            {subscribedPackage && subscribedPackage.id !== pkg.id && (
              <DataList.Item>
                <DataList.ItemLabel>{staffPlanOver ? 'Package set by staff' : 'Subscribed package'}</DataList.ItemLabel>
                <DataList.ItemValue>
                  {subscribedPackage.name} ({staffPlanOver ? 'ended' : 'not in force'})
                </DataList.ItemValue>
              </DataList.Item>
            )}
            {periodEnd && (
              <DataList.Item>
                <DataList.ItemLabel>{ended ? 'Ended on' : subscription.cancel_at_period_end ? 'Ends on' : 'Current period ends'}</DataList.ItemLabel>
                <DataList.ItemValue>
                  <PeriodEnd value={periodEnd} />
                </DataList.ItemValue>
              </DataList.Item>
            )}
          </DataList>
        )}
        {usage.downgraded ? (
          <Alert color="red" variant="light" title="Your subscription is not in force" data-testid="downgraded">
            {subscribedPackage ? `The ${subscribedPackage.name} package` : 'Your subscribed package'} does not apply right now
            {usage.reason ? ` (${usage.reason})` : ''}; the {pkg.name} limits apply instead.
            {usage.grace_ends_at && ` The grace period ended on ${formatResetTime(usage.grace_ends_at)}.`} Nothing is deleted:
            everything above the {pkg.name} limits stays, and only new use beyond them is blocked.
          </Alert>
        ) : staffPlanOver ? (
          <Alert color="blue" variant="light" title="The package set by platform staff has ended" data-testid="staff-plan-over">
            {subscribedPackage ? `The ${subscribedPackage.name} package` : 'The package'} that platform staff set no longer
            applies; the {pkg.name} package of your Stripe subscription, which Stripe goes on billing, applies again.
            {usage.grace_ends_at &&
              ` Its last payment did not go through: its limits stay until ${formatResetTime(usage.grace_ends_at)}, then Free limits apply.`}
          </Alert>
        ) : subscription?.status === 'past_due' && usage.grace_ends_at ? (
          <Alert color="orange" variant="light" title="Payment past due" data-testid="grace-period">
            The last payment did not go through. Paid limits stay until {formatResetTime(usage.grace_ends_at)}, then Free
            limits apply
            {showPortal
              ? '; update the payment method under Manage billing'
              : !canManageBilling && subscription.source === 'stripe'
                ? '; ask an org admin to update the payment method'
                : ''}
            .
          </Alert>
        ) : subscription?.cancel_at_period_end && periodEnd ? (
          <Alert color="yellow" variant="light" title="Your subscription is cancelled" data-testid="cancel-at-period-end">
            The {pkg.name} package ends on {formatResetTime(periodEnd)}, then Free. Nothing is deleted; above the Free limits
            only new use is blocked.{showPortal ? ' You can resume the subscription under Manage billing.' : ''}
          </Alert>
        ) : null}
      </Stack>
    </Card>
  );
}
