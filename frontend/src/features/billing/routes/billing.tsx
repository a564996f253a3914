import { Alert, Badge, Card, DataList, Group, Skeleton, Stack, Text, Title } from '@mantine/core';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { PageHeader } from '@/components/layout/page-header';
import { PlanLimits } from '@/components/usage/plan-limits';
import { UsageMeters } from '@/components/usage/usage-meters';
import { formatDate, formatPrice, formatStatus } from '@/lib/format';
import { useUsage, type Usage } from '@/lib/usage/get-usage';
import { useDocumentTitle } from '@/lib/use-document-title';

import { usePackages } from '../api/list-packages';
import { PackageComparison } from '../components/package-comparison';

const statusColors: Record<string, string> = {
  active: 'green',
  trialing: 'teal',
  past_due: 'orange',
  canceled: 'red',
  incomplete: 'gray',
};

/**
 * /billing: the tenant's package and subscription, a meter for every limit, and the packages to
 * compare. Checkout comes with the Stripe issue; until then staff assign paid packages.
 */
export function BillingRoute() {
  useDocumentTitle('Plan & usage');
  const usage = useUsage();
  const packages = usePackages();

  return (
    <Stack gap="lg" maw={1100}>
      <PageHeader title="Plan & usage" description="Your package, what it allows, and how much of it is used this month." />
      {usage.isPending ? (
        <Skeleton height={240} aria-label="Loading usage" />
      ) : usage.isError ? (
        <ApiErrorAlert error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <>
          <CurrentPlan usage={usage.data} subscribedName={packages.data?.items.find((p) => p.id === usage.data.subscription?.package_id)?.name} />
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
        <Text size="xs" c="dimmed">
          Online upgrades are coming soon. To change your package now, contact support.
        </Text>
      </Stack>
    </Stack>
  );
}

function CurrentPlan({ usage, subscribedName }: { usage: Usage; subscribedName?: string }) {
  const { package: pkg, subscription } = usage;
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
            <Text fw={600}>{formatPrice(pkg.price_cents, pkg.currency)}{pkg.price_cents > 0 && ' / month'}</Text>
            {subscription ? (
              <Badge color={statusColors[subscription.status] ?? 'gray'} variant="light" data-testid="subscription-status">
                {formatStatus(subscription.status)}
              </Badge>
            ) : (
              <Badge color="gray" variant="light" data-testid="subscription-status">
                No subscription
              </Badge>
            )}
          </Stack>
        </Group>
        {subscription && (
          <DataList size="sm" gap="xs" labelWidth="160px">
            <DataList.Item>
              <DataList.ItemLabel>Activated by</DataList.ItemLabel>
              <DataList.ItemValue>
                {subscription.source === 'manual' ? 'Platform staff' : subscription.source === 'stripe' ? 'Stripe' : 'Sign-up'}
              </DataList.ItemValue>
            </DataList.Item>
            {subscription.current_period_end && (
              <DataList.Item>
                <DataList.ItemLabel>{subscription.cancel_at_period_end ? 'Ends on' : 'Current period ends'}</DataList.ItemLabel>
                <DataList.ItemValue>{formatDate(subscription.current_period_end)}</DataList.ItemValue>
              </DataList.Item>
            )}
          </DataList>
        )}
        {usage.downgraded && (
          <Alert color="red" variant="light" title="Your subscription is not in force" data-testid="downgraded">
            {subscribedName ? `The ${subscribedName} package` : 'Your subscribed package'} does not apply right now
            {usage.reason ? ` (${usage.reason})` : ''}; the {pkg.name} limits apply instead.
            {usage.grace_ends_at && ` The grace period ended on ${formatDate(usage.grace_ends_at)}.`}
          </Alert>
        )}
        {!usage.downgraded && usage.grace_ends_at && (
          <Alert color="orange" variant="light" title="Payment past due" data-testid="grace-period">
            Your limits stay in force until {formatDate(usage.grace_ends_at)}. After that the Free limits apply unless the
            payment goes through.
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
