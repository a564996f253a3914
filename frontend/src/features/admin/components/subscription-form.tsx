import { Alert, Button, Group, Select, SimpleGrid, Stack, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useRef, useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { formatMomentWithZone, formatNumber, formatStatus } from '@/lib/format';
import { fieldError } from '@/lib/form-errors';
import { characters } from '@/lib/text';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useAdminPackages } from '../api/list-packages';
import { useSetTenantSubscription, type SetSubscriptionBody } from '../api/set-tenant-subscription';

type Status = SetSubscriptionBody['status'];
const statuses: Status[] = ['active', 'trialing', 'past_due', 'canceled', 'incomplete'];
const fields = ['package_code', 'status', 'current_period_end', 'reason'] as const;

/**
 * The period end the API gets for a day picked in the date field: the whole day is included, to
 * its last second in UTC, whatever the staff member's own time zone (the same day means the same
 * moment for every tenant and in the audit log).
 */
function periodEndValue(day: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T23:59:59Z` : undefined;
}

/** "Jan 1, 2027, 12:59 AM GMT+1": the moment in the browser's time zone, with the zone named. */
function formatLocal(value: string | undefined): string {
  return value ? formatMomentWithZone(new Date(value)) : '';
}

type SubscriptionFormProps = {
  tenantId: string;
  currentPackageCode: string;
  /** The tenant's status; one staff cannot set (paused, which only Stripe sets) starts the form on active. */
  currentStatus?: string;
};

/**
 * Manual subscription assignment (system admins): package, status, optional period end and a
 * required reason, all audited. Besides verified Stripe events this is the only way a paid package
 * is activated.
 */
export function SubscriptionForm({ tenantId, currentPackageCode, currentStatus }: SubscriptionFormProps) {
  const packages = useAdminPackages();
  const assign = useSetTenantSubscription();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(assign.error);
  const [packageCode, setPackageCode] = useState<string>(currentPackageCode);
  const [status, setStatus] = useState<Status>(statuses.find((s) => s === currentStatus) ?? 'active');
  const [periodEnd, setPeriodEnd] = useState('');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = reason.trim();
    if (characters(trimmed) < 3) {
      setReasonError('Say why (at least 3 characters): it goes into the audit log.');
      reasonRef.current?.focus();
      return;
    }
    setReasonError(undefined);
    assign.mutate(
      {
        id: tenantId,
        package_code: packageCode,
        status,
        reason: trimmed,
        current_period_end: periodEndValue(periodEnd),
      },
      {
        onSuccess: () => {
          notifications.show({ color: 'green', message: 'Subscription assigned.' });
          // Package and status now are the tenant's (the page remounts the form when they change);
          // the period end and the reason belonged to this assignment only.
          setPeriodEnd('');
          setReason('');
        },
      },
    );
  };

  const options =
    packages.data?.items.map((p) => ({
      value: p.code,
      label: `${p.name} (${p.code}) · ${formatNumber(p.max_users)} users${p.active ? '' : ' · inactive'}`,
    })) ?? [];

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Assign subscription">
      <Stack gap="sm">
        {packages.isError && (
          <Alert color="red" variant="light">
            Packages could not be loaded.
          </Alert>
        )}
        <FormErrorAlert error={assign.error} fields={fields} />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <Select
            label="Package"
            required
            data={options}
            value={packageCode}
            allowDeselect={false}
            onChange={(value) => value && setPackageCode(value)}
            error={fieldError(assign.error, 'package_code')}
          />
          <Select
            label="Status"
            required
            data={statuses.map((s) => ({ value: s, label: formatStatus(s) }))}
            value={status}
            allowDeselect={false}
            onChange={(value) => value && setStatus(value)}
            error={fieldError(assign.error, 'status')}
          />
          <TextInput
            label="Period ends (UTC)"
            description={
              <>
                Optional; the chosen day is included, to 23:59:59 UTC.
                {periodEndValue(periodEnd) && (
                  <>
                    {' '}
                    <span data-testid="period-end-local">That is {formatLocal(periodEndValue(periodEnd))} where you are.</span>
                  </>
                )}
              </>
            }
            type="date"
            value={periodEnd}
            onChange={(e) => setPeriodEnd(e.currentTarget.value)}
            error={fieldError(assign.error, 'current_period_end')}
          />
        </SimpleGrid>
        <Textarea
          ref={reasonRef}
          label="Reason"
          description="Required; recorded in the audit log"
          placeholder="Annual contract signed offline"
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={reasonError ?? fieldError(assign.error, 'reason')}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={assign.isPending}>
            Assign subscription
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
