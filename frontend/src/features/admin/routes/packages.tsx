import { Badge, Button, Code, Group, Skeleton, Stack, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useRef, useState, type MouseEvent, type ReactNode } from 'react';

import { ConfirmModal } from '@/components/confirm-modal';
import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { type Column, ActionsHeader, ColumnCells, ColumnHeaders, ColumnList } from '@/components/layout/column-list';
import { PageHeader } from '@/components/layout/page-header';
import { RowCard } from '@/components/layout/row-card';
import { isApiError } from '@/lib/api-error';
import { formatBytes, formatNumber, formatPrice } from '@/lib/format';
import { useDocumentTitle } from '@/lib/use-document-title';
import { usePhone } from '@/lib/use-phone';

import { useAdminPackages, type Package } from '../api/list-packages';
import { useUpdatePackage } from '../api/update-package';
import { PackageEditorModal } from '../components/package-editor-modal';
import { useCanWrite } from '../use-can-write';

type Editing = { pkg: Package | null } | null;

/** /admin/packages: every package with its limits; system admins create, edit and (de)activate. */
export function AdminPackagesRoute() {
  useDocumentTitle('Packages · Admin');
  const canWrite = useCanWrite();
  const packages = useAdminPackages();
  const update = useUpdatePackage();
  const [editing, setEditing] = useState<Editing>(null);
  // The editor is unmounted on close (a fresh form each time), so Mantine never returns focus to
  // the button that opened it and keyboard users landed at the top of the page: done here.
  const opener = useRef<HTMLElement | null>(null);
  const openEditor = (event: MouseEvent<HTMLElement>, pkg: Package | null) => {
    opener.current = event.currentTarget;
    setEditing({ pkg });
  };
  const closeEditor = () => {
    opener.current?.focus();
    setEditing(null);
  };

  const setActive = (pkg: Package, active: boolean, onDone?: () => void) =>
    update.mutate(
      { id: pkg.id, body: { active } },
      {
        onSuccess: (saved) => {
          notifications.show({ color: 'green', message: `${saved.name} is ${saved.active ? 'active' : 'inactive'}.` });
          onDone?.();
        },
        // The confirm dialog shows its own error; activating has none to show it in.
        onError: (error) => {
          if (onDone) return;
          notifications.show({
            color: 'red',
            title: 'Not changed',
            message: isApiError(error) ? error.detail || error.title : String(error),
          });
        },
      },
    );
  // Deactivating is asked first: new customers stop seeing the package at once.
  const [deactivating, setDeactivating] = useState<Package | null>(null);
  const closeDeactivate = () => {
    update.reset();
    setDeactivating(null);
  };

  return (
    <Stack gap="md">
      <PageHeader
        title="Packages"
        description="Inactive packages are hidden from new customers; tenants on them keep them."
        actions={
          canWrite && (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={(event) => openEditor(event, null)}>
              New package
            </Button>
          )
        }
      />
      {packages.isPending ? (
        <Skeleton height={200} aria-label="Loading packages" />
      ) : packages.isError ? (
        <ApiErrorAlert error={packages.error} onRetry={() => void packages.refetch()} />
      ) : (
        <PackagesList
          packages={packages.data.items}
          actions={
            canWrite
              ? (pkg) => (
                  <>
                    <Button size="xs" variant="subtle" onClick={(event) => openEditor(event, pkg)} aria-label={`Edit ${pkg.name}`}>
                      Edit
                    </Button>
                    <Button
                      size="xs"
                      variant="subtle"
                      color={pkg.active ? 'red' : 'green'}
                      loading={!deactivating && update.isPending && update.variables?.id === pkg.id}
                      onClick={() => (pkg.active ? setDeactivating(pkg) : setActive(pkg, true))}
                      aria-label={`${pkg.active ? 'Deactivate' : 'Activate'} ${pkg.name}`}
                    >
                      {pkg.active ? 'Deactivate' : 'Activate'}
                    </Button>
                  </>
                )
              : undefined
          }
        />
      )}
      <ConfirmModal
        opened={deactivating !== null}
        title={deactivating ? `Deactivate ${deactivating.name}` : ''}
        confirmLabel="Deactivate package"
        loading={update.isPending}
        error={update.error}
        onClose={closeDeactivate}
        onConfirm={() => deactivating && setActive(deactivating, false, closeDeactivate)}
      >
        {deactivating && (
          <>
            Deactivate <b>{deactivating.name}</b>? From now on new customers can no longer see or buy it: it leaves the
            Packages page and Stripe Checkout refuses it. Organizations already on {deactivating.name} keep it, with its
            limits, and their Stripe subscriptions go on renewing. Staff can still assign it by hand, and you can
            activate it again at any time.
          </>
        )}
      </ConfirmModal>
      {editing && (
        <PackageEditorModal
          key={editing.pkg?.id ?? 'new'}
          opened
          pkg={editing.pkg}
          onClose={closeEditor}
        />
      )}
    </Stack>
  );
}

/** The columns after the package's name, in order: the table's cells and each phone card's list. */
const columns: Column<Package>[] = [
  { label: 'Price', value: (pkg) => formatPrice(pkg.price_cents, pkg.currency) },
  {
    label: 'Stripe price',
    value: (pkg) =>
      pkg.stripe_price_id ? (
        <Code fz="xs" data-testid="admin-package-stripe-price">
          {pkg.stripe_price_id}
        </Code>
      ) : pkg.price_cents > 0 && pkg.active ? (
        <Tooltip label="Add a Stripe price id to sell it through Checkout">
          <Badge variant="light" color="orange" data-testid="admin-package-stripe-price">
            Not sold online
          </Badge>
        </Tooltip>
      ) : (
        <Text size="xs" c="dimmed" data-testid="admin-package-stripe-price">
          —
        </Text>
      ),
  },
  { label: 'Users', value: (pkg) => formatNumber(pkg.max_users) },
  { label: 'Searches / mo', value: (pkg) => formatNumber(pkg.searches_per_month) },
  { label: 'Per query', value: (pkg) => formatNumber(pkg.max_contacts_per_query) },
  { label: 'API', value: (pkg) => (pkg.api_access ? `${formatNumber(pkg.api_requests_per_minute)}/min` : 'No') },
  { label: 'Import rows / mo', value: (pkg) => formatNumber(pkg.import_rows_per_month) },
  { label: 'CRM pushes / mo', value: (pkg) => formatNumber(pkg.crm_pushes_per_month) },
  { label: 'Jobs', value: (pkg) => formatNumber(pkg.max_concurrent_jobs) },
  { label: 'File size', value: (pkg) => formatBytes(pkg.max_import_file_bytes) },
  {
    label: 'Status',
    value: (pkg) => (
      <Badge variant="light" color={pkg.active ? 'green' : 'gray'}>
        {pkg.active ? 'Active' : 'Inactive'}
      </Badge>
    ),
  },
];

function PackageName({ pkg }: { pkg: Package }) {
  return (
    <>
      <Text size="sm" fw={500}>
        {pkg.name}
      </Text>
      <Text size="xs" c="dimmed">
        {pkg.code}
      </Text>
    </>
  );
}

type PackagesListProps = {
  packages: Package[];
  /** A package's Edit and (De)activate buttons; none for support staff. */
  actions?: (pkg: Package) => ReactNode;
};

/**
 * Every package with its limits: in a table, or on a phone a card per package, so that its limits
 * and its Edit and Deactivate buttons are on the screen (the table is 1120px wide and put the
 * buttons at x≈1052-1112 of 375 px).
 */
function PackagesList({ packages, actions }: PackagesListProps) {
  const phone = usePhone();
  if (phone) {
    return (
      <Stack gap="sm" data-testid="admin-packages-cards">
        {packages.map((pkg) => (
          <RowCard
            key={pkg.id}
            label={pkg.name}
            data-testid="admin-package-row"
            data-code={pkg.code}
          >
            <PackageName pkg={pkg} />
            <ColumnList columns={columns} item={pkg} labelWidth="50%" mt="xs" />
            {actions && (
              <Group gap="xs" mt="xs">
                {actions(pkg)}
              </Group>
            )}
          </RowCard>
        ))}
      </Stack>
    );
  }
  return (
    <Table.ScrollContainer minWidth={1120}>
      <Table highlightOnHover verticalSpacing="xs" fz="sm" data-testid="admin-packages-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Package</Table.Th>
            <ColumnHeaders columns={columns} />
            {actions && (
              <ActionsHeader />
            )}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {packages.map((pkg) => (
            <Table.Tr key={pkg.id} data-testid="admin-package-row" data-code={pkg.code}>
              <Table.Td>
                <PackageName pkg={pkg} />
              </Table.Td>
              <ColumnCells columns={columns} item={pkg} />
              {actions && (
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    {actions(pkg)}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
