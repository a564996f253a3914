import { Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { ApiError } from '@/lib/api-error';
import { fieldError } from '@/lib/form-errors';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { crmFields, type CrmSettings, type CrmSettingsVersion, type FieldOwnership } from '../api/get-crm-settings';
import { useUpdateCrmSettings } from '../api/update-crm-settings';
import { fieldLabels, ownershipOptions } from '../labels';

type FieldOwnershipFormProps = {
  settings: CrmSettingsVersion;
  /** Org admins (crm:manage) change it; everyone else reads it. */
  canManage: boolean;
};

const selectData = ownershipOptions.map(({ value, label }) => ({ value, label }));
const errorFields = crmFields.map((field) => `field_ownership.${field}`);

function initialValues(settings: CrmSettings): Record<string, FieldOwnership> {
  return Object.fromEntries(
    crmFields.map((field) => [field, (settings.field_ownership[field] as FieldOwnership | undefined) ?? 'fill_if_empty']),
  );
}

/**
 * Field ownership per CRM field: fill if empty (default), overwrite, or never. Saved as a whole
 * (PUT /crm/settings); it applies to the next contacts sent. Mount it with a `key` of the settings
 * so a save or a refetch starts it from the server's values.
 */
export function FieldOwnershipForm({ settings, canManage }: FieldOwnershipFormProps) {
  const [values, setValues] = useState(() => initialValues(settings));
  const update = useUpdateCrmSettings();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(update.error);
  const dirty = crmFields.some((field) => values[field] !== initialValues(settings)[field]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate(
      { fieldOwnership: values, etag: settings.etag },
      {
        onSuccess: () => notifications.show({ color: 'green', message: 'Field ownership saved.' }),
        // The form starts again from the other admin's values (the settings are reloaded), so
        // their sentence outlives it as a notification.
        onError: (error) => {
          if (error instanceof ApiError && error.status === 412) {
            notifications.show({ color: 'red', autoClose: false, message: error.detail });
          }
        },
      },
    );
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-label="Field ownership">
      <Stack gap="sm">
        <Table verticalSpacing="xs" fz="sm" maw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>CRM field</Table.Th>
              <Table.Th>Ownership</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {crmFields.map((field) => (
              <Table.Tr key={field}>
                <Table.Td>{fieldLabels[field]}</Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`Ownership of ${fieldLabels[field]}`}
                    data={selectData}
                    value={values[field]}
                    onChange={(value) => value && setValues((current) => ({ ...current, [field]: value }))}
                    allowDeselect={false}
                    disabled={!canManage}
                    error={fieldError(update.error, `field_ownership.${field}`)}
                    w={220}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Stack gap={2}>
          {ownershipOptions.map((option) => (
            <Text size="xs" c="dimmed" key={option.value}>
              <b>{option.label}</b>: {option.description}.
            </Text>
          ))}
        </Stack>
        <FormErrorAlert error={update.error} fields={errorFields} />
        {canManage ? (
          <Group>
            <Button type="submit" loading={update.isPending} disabled={!dirty}>
              Save field ownership
            </Button>
          </Group>
        ) : (
          <Text size="xs" c="dimmed">
            Only organization admins can change field ownership.
          </Text>
        )}
      </Stack>
    </form>
  );
}
