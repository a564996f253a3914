import { Button, Group, Modal, NumberInput, SimpleGrid, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { formatBytes, formatPrice } from '@/lib/format';
import { fieldError } from '@/lib/form-errors';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useCreatePackage } from '../api/create-package';
import type { Package } from '../api/list-packages';
import { useUpdatePackage } from '../api/update-package';
import {
  emptyPackageValues,
  numberRules,
  newPackageBody,
  packageChanges,
  validatePackage,
  valuesFromPackage,
  type PackageFormValues,
} from '../package-form';

const allFields = [
  'code',
  'name',
  'description',
  'currency',
  'stripe_price_id',
  'api_access',
  'active',
  ...numberRules.map((r) => r.field),
];

type PackageEditorModalProps = {
  opened: boolean;
  /** The package to edit; none to create one. */
  pkg: Package | null;
  onClose: () => void;
};

/** Create or edit a package with every limit (system admins). Mount with a `key` per package. */
export function PackageEditorModal({ opened, pkg, onClose }: PackageEditorModalProps) {
  const original = pkg ? valuesFromPackage(pkg) : undefined;
  const [values, setValues] = useState<PackageFormValues>(original ?? emptyPackageValues);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const create = useCreatePackage();
  const update = useUpdatePackage();
  const mutation = pkg ? update : create;
  const formRef = useFocusFirstInvalid<HTMLFormElement>(mutation.error);

  const set = <K extends keyof PackageFormValues>(key: K, value: PackageFormValues[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setClientErrors((errors) => {
      if (!(key in errors)) return errors;
      const rest = { ...errors };
      delete rest[key];
      return rest;
    });
  };
  const errorOf = (field: string) => clientErrors[field] ?? fieldError(mutation.error, field);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const errors = validatePackage(values);
    setClientErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const onSuccess = (saved: Package) => {
      notifications.show({ color: 'green', message: `Package ${saved.name} saved.` });
      onClose();
    };
    if (pkg && original) {
      const body = packageChanges(values, original);
      if (Object.keys(body).length === 0) {
        onClose();
        return;
      }
      update.mutate({ id: pkg.id, body }, { onSuccess });
    } else {
      create.mutate(newPackageBody(values), { onSuccess });
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={pkg ? `Edit package ${pkg.name}` : 'New package'} size="xl">
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Package">
        <Stack gap="md">
          <FormErrorAlert error={mutation.error} fields={allFields} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput
              label="Code"
              description={pkg ? 'Used to assign the package; fixed once created' : 'e.g. team (lowercase, unique)'}
              required
              disabled={pkg !== null}
              value={values.code}
              onChange={(e) => set('code', e.currentTarget.value)}
              error={errorOf('code')}
            />
            <TextInput
              label="Name"
              required
              value={values.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={errorOf('name')}
            />
          </SimpleGrid>
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={values.description}
            onChange={(e) => set('description', e.currentTarget.value)}
            error={errorOf('description')}
          />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput
              label="Currency"
              description="ISO code, e.g. usd"
              value={values.currency}
              onChange={(e) => set('currency', e.currentTarget.value)}
              error={errorOf('currency')}
            />
            <TextInput
              label="Stripe price id"
              description="Needed to sell a paid package through Stripe Checkout; empty removes it"
              value={values.stripe_price_id}
              onChange={(e) => set('stripe_price_id', e.currentTarget.value)}
              error={errorOf('stripe_price_id')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            {numberRules.map((rule) => {
              const value = values[rule.field];
              const description =
                typeof value === 'number' && rule.field === 'max_import_file_bytes'
                  ? formatBytes(value)
                  : typeof value === 'number' && rule.field === 'price_cents'
                    ? `${formatPrice(value, values.currency.trim() || 'usd')} per month`
                    : rule.description;
              return (
                <NumberInput
                  key={rule.field}
                  label={rule.label}
                  description={description}
                  min={rule.min}
                  max={rule.max}
                  allowDecimal={false}
                  clampBehavior="none"
                  thousandSeparator=","
                  value={value}
                  onChange={(next) => set(rule.field, next)}
                  error={errorOf(rule.field)}
                />
              );
            })}
          </SimpleGrid>
          <Group gap="xl">
            <Switch
              label="API access"
              checked={values.api_access}
              onChange={(e) => set('api_access', e.currentTarget.checked)}
              error={errorOf('api_access')}
            />
            <Switch
              label="Active (offered to new customers)"
              checked={values.active}
              onChange={(e) => set('active', e.currentTarget.checked)}
              error={errorOf('active')}
            />
          </Group>
          {Object.keys(clientErrors).length > 0 && (
            <Text size="sm" c="red" role="status">
              Fix the highlighted fields.
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {pkg ? 'Save changes' : 'Create package'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
