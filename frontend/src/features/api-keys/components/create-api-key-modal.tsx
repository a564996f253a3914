import { Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';

import { FormErrorAlert } from '@/components/forms/form-error-alert';
import { isApiError } from '@/lib/api-error';
import type { ApiKey } from '@/lib/api-keys/list-api-keys';
import { fieldError } from '@/lib/form-errors';
import { capped } from '@/lib/text';
import { useFocusFirstInvalid } from '@/lib/use-focus-first-invalid';

import { useCreateApiKey } from '../api/create-api-key';
import { apiKeyScopes } from '../scopes';
import { NoApiAccessAlert } from './no-api-access-alert';

const fields = ['name', 'scopes', 'expires_at'] as const;

type CreateApiKeyModalProps = {
  opened: boolean;
  onClose: () => void;
  /** The new key, with its secret: show it once, then forget it. */
  onCreated: (key: ApiKey) => void;
};

/** Name, scopes (at least one) and an optional expiry date; the server answers the secret once. */
export function CreateApiKeyModal({ opened, onClose, onCreated }: CreateApiKeyModalProps) {
  const create = useCreateApiKey();
  const formRef = useFocusFirstInvalid<HTMLFormElement>(create.error);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiresOn, setExpiresOn] = useState('');
  const [scopesError, setScopesError] = useState<string | undefined>();

  const clear = () => {
    setName('');
    setScopes([]);
    setExpiresOn('');
    setScopesError(undefined);
    create.reset();
  };

  const close = () => {
    clear();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (scopes.length === 0) {
      setScopesError('Choose at least one scope.');
      // Where the server's errors would take it (useFocusFirstInvalid): to what needs fixing.
      formRef.current?.querySelector<HTMLInputElement>('input[type="checkbox"]')?.focus();
      return;
    }
    create.mutate(
      {
        name: name.trim(),
        // In the order of the list, whatever order they were ticked in.
        scopes: apiKeyScopes.map((s) => s.value).filter((s) => scopes.includes(s)),
        expires_at: expiresOn ? endOfLocalDay(expiresOn) : undefined,
      },
      {
        onSuccess: (key) => {
          // The secret goes to the show-once dialog only; nothing here keeps it.
          clear();
          onCreated(key);
        },
      },
    );
  };

  const planRefusal =
    isApiError(create.error) && create.error.type === 'plan-feature-unavailable' ? create.error : null;
  const scopeFieldError =
    scopesError ??
    fieldError(create.error, 'scopes') ??
    (isApiError(create.error)
      ? Object.entries(create.error.fieldErrors).find(([field]) => field.startsWith('scopes['))?.[1]
      : undefined);

  return (
    <Modal opened={opened} onClose={close} title="Create an API key" size="lg">
      <form ref={formRef} onSubmit={submit} noValidate aria-label="Create an API key">
        <Stack gap="md">
          {planRefusal ? (
            <NoApiAccessAlert detail={planRefusal.detail} />
          ) : (
            <FormErrorAlert error={create.error} fields={[...fields, ...scopeFields(create.error)]} />
          )}
          <TextInput
            label="Name"
            description="Say what uses the key, e.g. “CRM sync” or “Data warehouse import”."
            required
            data-autofocus
            value={name}
            // The server's limit on a key's name (CreateAPIKeyRequest.name), in characters once trimmed.
            onChange={(e) => setName(capped(e.currentTarget.value, 100))}
            error={fieldError(create.error, 'name')}
          />
          <Checkbox.Group
            label="Scopes"
            description="What the key may do. Choose at least one; grant only what the integration needs."
            required
            value={scopes}
            onChange={(value) => {
              setScopes(value);
              if (value.length > 0) setScopesError(undefined);
            }}
            error={scopeFieldError}
          >
            <Stack gap={10} mt="xs">
              {apiKeyScopes.map((scope) => (
                <Checkbox
                  key={scope.value}
                  value={scope.value}
                  label={scope.value}
                  description={scope.description}
                  styles={{ label: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                />
              ))}
            </Stack>
          </Checkbox.Group>
          <TextInput
            type="date"
            label="Expires on"
            description="Optional. The key stops working at the end of this day (your time zone); leave it empty for a key that does not expire."
            min={localDate(new Date())}
            styles={{ input: { maxWidth: 220 } }}
            value={expiresOn}
            onChange={(e) => setExpiresOn(e.currentTarget.value)}
            error={fieldError(create.error, 'expires_at')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The `scopes[i]` fields a validation problem names, shown under the scope list. */
function scopeFields(error: unknown): string[] {
  return isApiError(error) ? Object.keys(error.fieldErrors).filter((field) => field.startsWith('scopes[')) : [];
}

/** "2027-06-01" → the ISO instant of 23:59:59 that day in the browser's time zone. */
function endOfLocalDay(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year ?? 1970, (month ?? 1) - 1, day ?? 1, 23, 59, 59).toISOString();
}

/** Today as "YYYY-MM-DD" in the browser's time zone (the date input's format). */
function localDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
