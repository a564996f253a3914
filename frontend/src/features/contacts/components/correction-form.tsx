import { Button, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { fieldError } from '@/lib/form-errors';
import { capped, isolated } from '@/lib/text';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import type { Contact } from '../api/search-contacts';
import { useSubmitCorrection } from '../api/submit-correction';
import { correctionFieldLabel, correctionFieldOptions, type CorrectionField } from '../labels';

/**
 * The server's limit on a correction's value, in characters once trimmed, the lengths an import
 * takes: a title 200, a company 300, a city 100; the other fields' formats are shorter than the
 * request's 500 (CorrectionRequest).
 */
const textLimits: Partial<Record<CorrectionField, number>> = { title: 200, company_name: 300, city: 100 };

function maxValueLength(field: CorrectionField): number {
  return textLimits[field] ?? 500;
}

/**
 * Suggests a correction of one field. The server validates and normalizes the value (email syntax,
 * phone to E.164, country to ISO 3166) and names the field it refuses; the tenant sees the new value
 * at once, platform staff review it for everyone.
 */
export function CorrectionForm({ contact }: { contact: Contact }) {
  const submit = useSubmitCorrection();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(submit.error);
  const [field, setField] = useState<CorrectionField>('title');
  const [value, setValue] = useState('');

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate(
      { contactId: contact.id, field, value: value.trim() },
      {
        onSuccess: (correction) => {
          setValue('');
          const field = correctionFieldLabel(correction.field);
          notifications.show({
            color: 'green',
            // A private contact's correction, or one back to the shared value, is accepted at once:
            // nothing waits for review.
            message:
              correction.status === 'accepted'
                ? `${field} is now “${isolated(correction.new_value)}”.`
                : `${field} corrected to “${isolated(correction.new_value)}”. Your team sees it now; we review it for everyone.`,
          });
        },
      },
    );
  };

  const current = contact[field];

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate aria-label="Suggest a correction">
      <Stack gap="xs">
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <Select
            label="Field"
            size="xs"
            w={150}
            data={correctionFieldOptions}
            value={field}
            onChange={(next) => {
              if (next) {
                setField(next);
                setValue((v) => capped(v, maxValueLength(next)));
              }
              submit.reset();
            }}
            allowDeselect={false}
            error={fieldError(submit.error, 'field')}
          />
          <TextInput
            label="Correct value"
            size="xs"
            style={{ flex: 1 }}
            // Not the current value: in a red (refused) box it read as a value already typed. The
            // current value is under the box ("Now: …").
            placeholder="The right value"
            value={value}
            onChange={(e) => setValue(capped(e.currentTarget.value, maxValueLength(field)))}
            error={fieldError(submit.error, 'value')}
          />
        </Group>
        {current && (
          <Text size="xs" c="dimmed">
            Now: {current}
          </Text>
        )}
        <FormErrorAlert error={submit.error} fields={['field', 'value']} />
        <Group>
          <Button type="submit" size="xs" variant="light" loading={submit.isPending}>
            Submit correction
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
