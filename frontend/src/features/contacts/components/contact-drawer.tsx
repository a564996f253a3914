import {
  Anchor,
  Badge,
  Button,
  Center,
  Divider,
  Drawer,
  Group,
  Loader,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowLeft, IconBookmarkPlus, IconBuilding, IconExternalLink } from '@tabler/icons-react';
import { Fragment, type ReactNode } from 'react';

import { ApiErrorAlert } from '@/components/errors/api-error-alert';
import { formatDate, formatNumber, formatStatus } from '@/lib/format';

import { useCompany } from '../api/get-company';
import { useContact } from '../api/get-contact';
import { usePendingCorrectionsOf } from '../api/list-corrections';
import type { Contact } from '../api/search-contacts';
import {
  contactName,
  correctionFieldLabel,
  countryName,
  departmentLabel,
  employeeRangeLabel,
  formatTotal,
  seniorityLabel,
} from '../labels';
import { CorrectionForm } from './correction-form';
import { ChangedSinceNote } from './changed-since-note';
import { ListBadges, SavedStatusBadge } from './saved-badges';
import { SavedNotes } from './saved-notes';

/** What the drawer shows: a contact, or the contacts of a company (opened from a contact). */
export type DrawerView =
  | { kind: 'contact'; id: string; placeholder?: Contact }
  | { kind: 'company'; id: string; name: string; from?: Contact };

type ContactDrawerProps = {
  view: DrawerView | null;
  onNavigate: (view: DrawerView) => void;
  onClose: () => void;
  canSave: boolean;
  canCorrect: boolean;
  /** Opens the save dialog; without it the drawer offers no Save button (the Corrections page). */
  onSave?: (contact: Contact) => void;
};

export function ContactDrawer({ view, onNavigate, onClose, canSave, canCorrect, onSave }: ContactDrawerProps) {
  return (
    <Drawer
      opened={view !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={view?.kind === 'company' ? 'Company' : 'Contact'}
      data-testid="contact-drawer"
    >
      {view?.kind === 'contact' && (
        <ContactView
          id={view.id}
          placeholder={view.placeholder}
          canSave={canSave}
          canCorrect={canCorrect}
          onSave={onSave}
          onOpenCompany={(contact) =>
            onNavigate({ kind: 'company', id: contact.company_id, name: contact.company_name, from: contact })
          }
        />
      )}
      {view?.kind === 'company' && (
        <CompanyView
          id={view.id}
          name={view.name}
          from={view.from}
          onOpenContact={(contact) => onNavigate({ kind: 'contact', id: contact.id, placeholder: contact })}
        />
      )}
    </Drawer>
  );
}

type ContactViewProps = {
  id: string;
  placeholder?: Contact;
  canSave: boolean;
  canCorrect: boolean;
  onSave?: (contact: Contact) => void;
  onOpenCompany: (contact: Contact) => void;
};

function ContactView({ id, placeholder, canSave, canCorrect, onSave, onOpenCompany }: ContactViewProps) {
  const query = useContact(id, placeholder);
  if (query.isError && !query.data) return <ApiErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <Skeleton height={320} aria-label="Loading contact" />;
  const contact = query.data;
  const correction = (field: string) => contact.corrections.find((c) => c.field === field);

  const field = (label: string, name: string | null, content: ReactNode) => {
    const corrected = name ? correction(name) : undefined;
    return (
      <Table.Tr key={label}>
        <Table.Th w={130} fw={500} c="dimmed" fz="xs" style={{ verticalAlign: 'top' }}>
          {label}
        </Table.Th>
        <Table.Td>
          <Group gap={6} wrap="wrap">
            {content || <Text span c="dimmed" size="sm">—</Text>}
            {corrected && (
              <Tooltip
                multiline
                w={240}
                label={`Your team corrected this (${corrected.status}). Shared value: ${corrected.canonical || 'empty'}`}
              >
                <Badge
                  size="xs"
                  variant="light"
                  color={corrected.status === 'accepted' ? 'green' : corrected.status === 'rejected' ? 'red' : 'yellow'}
                  data-testid={`corrected-${name}`}
                  tabIndex={0}
                >
                  Corrected · {corrected.status}
                </Badge>
              </Tooltip>
            )}
          </Group>
        </Table.Td>
      </Table.Tr>
    );
  };

  return (
    // Long values with nowhere to break (an email address, a Welsh town, a company name in CJK)
    // break anywhere rather than widen the drawer past a phone's screen and cut off the rest.
    <Stack gap="md" data-testid="contact-details" style={{ overflowWrap: 'anywhere' }}>
      {/* The name and title wrap; the save button keeps its whole label (it was cut on a phone). */}
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={2} miw={0}>
          <Title order={2} size="h3" data-testid="contact-name">
            {contactName(contact)}
          </Title>
          {/* Each in its own direction: an Arabic title and company read in the wrong order as one
              right-to-left run, and a Hebrew company took an English title's punctuation. */}
          <Text size="sm" c="dimmed" data-testid="contact-headline">
            {[contact.title, contact.company_name]
              .filter(Boolean)
              .map((part, i) => (
                <Fragment key={i}>
                  {i > 0 && ' · '}
                  <bdi>{part}</bdi>
                </Fragment>
              ))}
          </Text>
          <Group gap={6} mt={4}>
            <SavedStatusBadge contact={contact} />
            {contact.private && (
              <Badge size="xs" variant="light" color="grape">
                Private to your organization
              </Badge>
            )}
            {query.isFetching && <Loader size="xs" aria-label="Refreshing contact" />}
          </Group>
        </Stack>
        {canSave && onSave && (
          <Button
            size="xs"
            variant="light"
            style={{ flexShrink: 0 }}
            leftSection={<IconBookmarkPlus size={14} aria-hidden />}
            onClick={() => onSave(contact)}
          >
            {contact.saved ? 'Add to list…' : 'Save to list…'}
          </Button>
        )}
      </Group>

      <Table verticalSpacing={4} fz="sm" withRowBorders={false}>
        <Table.Tbody>
          {field('Title', 'title', contact.title)}
          {field('Seniority', null, contact.seniority && seniorityLabel(contact.seniority))}
          {field('Department', null, contact.department && departmentLabel(contact.department))}
          {field(
            'Email',
            'email',
            contact.email && (
              <>
                <Anchor href={`mailto:${contact.email}`} size="sm">
                  {contact.email}
                </Anchor>
                <Badge size="xs" variant="outline" color={contact.email_status === 'valid' ? 'green' : 'gray'}>
                  {formatStatus(contact.email_status)}
                </Badge>
              </>
            ),
          )}
          {field(
            'Phone',
            'phone',
            contact.phone && (
              <Anchor href={`tel:${contact.phone}`} size="sm">
                {contact.phone}
              </Anchor>
            ),
          )}
          {field(
            'LinkedIn',
            'linkedin_url',
            contact.linkedin_url && (
              <Anchor href={contact.linkedin_url} target="_blank" rel="noreferrer" size="sm" style={{ wordBreak: 'break-all' }}>
                {contact.linkedin_url.replace(/^https?:\/\/(www\.)?/, '')}
              </Anchor>
            ),
          )}
          {field('City', 'city', [contact.city, contact.region].filter(Boolean).join(', '))}
          {field('Country', 'country', contact.country && countryName(contact.country))}
          {field('Updated', null, formatDate(contact.updated_at))}
        </Table.Tbody>
      </Table>

      <Divider label="Company" labelPosition="left" />
      <Stack gap={4}>
        <Group gap={6} wrap="nowrap">
          <IconBuilding size={16} aria-hidden />
          {contact.company_id ? (
            <Anchor component="button" type="button" fw={600} size="sm" onClick={() => onOpenCompany(contact)}>
              {contact.company_name || 'Company'}
            </Anchor>
          ) : (
            <Text size="sm" fw={600}>
              {contact.company_name || '—'}
            </Text>
          )}
          {correction('company_name') && (
            <Badge size="xs" variant="light" color="yellow" data-testid="corrected-company_name">
              Corrected · {correction('company_name')?.status}
            </Badge>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {[
            contact.company_domain,
            contact.industry,
            contact.employee_range && `${employeeRangeLabel(contact.employee_range)} employees`,
          ]
            .filter(Boolean)
            .join(' · ')}
        </Text>
        {contact.company_id && (
          <Anchor component="button" type="button" size="xs" ta="left" onClick={() => onOpenCompany(contact)}>
            See the company’s contacts
          </Anchor>
        )}
      </Stack>

      <Divider label="Lists" labelPosition="left" />
      {contact.lists?.length ? (
        <ListBadges lists={contact.lists} max={20} />
      ) : (
        <Text size="sm" c="dimmed">
          {contact.saved ? 'Saved, on no list.' : 'Not saved yet.'}
        </Text>
      )}

      {contact.saved && (
        <>
          <Divider label="Note" labelPosition="left" />
          <SavedNotes key={contact.id} contact={contact} canEdit={canSave} />
        </>
      )}

      <ChangedSinceNotes contact={contact} canUndo={canCorrect} />

      {canCorrect && (
        <>
          <Divider label="Suggest a correction" labelPosition="left" />
          <CorrectionForm key={contact.id} contact={contact} />
          {contact.corrections.length > 0 && (
            <Text size="xs" c="dimmed">
              Your corrections:{' '}
              {contact.corrections.map((c) => `${correctionFieldLabel(c.field)} (${c.status})`).join(', ')}
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

/**
 * The contact's pending corrections whose shared value changed since they were filed: the overlay
 * does not say, so GET /corrections for the contact's pending ones tells, asked only when it has one.
 */
function ChangedSinceNotes({ contact, canUndo }: { contact: Contact; canUndo: boolean }) {
  const hasPending = contact.corrections.some((c) => c.status === 'pending');
  const pending = usePendingCorrectionsOf(contact.id, hasPending);
  const stale = hasPending ? (pending.data?.items ?? []).filter((c) => c.stale) : [];
  if (stale.length === 0) return null;
  return (
    <Stack gap="xs" data-testid="drawer-changed-since">
      {stale.map((correction) => (
        <Stack key={correction.id} gap={2}>
          <Text size="sm" fw={500}>
            {correctionFieldLabel(correction.field)}: your “<bdi>{correction.new_value}</bdi>”
          </Text>
          <ChangedSinceNote correction={correction} canUndo={canUndo} />
        </Stack>
      ))}
    </Stack>
  );
}

type CompanyViewProps = {
  id: string;
  name: string;
  from?: Contact;
  onOpenContact: (contact: Contact) => void;
};

function CompanyView({ id, name, from, onOpenContact }: CompanyViewProps) {
  const company = useCompany(id);
  const first = company.data?.pages[0];
  const contacts = company.data?.pages.flatMap((p) => p.contacts) ?? [];

  return (
    <Stack gap="md" data-testid="company-details" style={{ overflowWrap: 'anywhere' }}>
      {from && (
        <UnstyledButton onClick={() => onOpenContact(from)} fz="sm" c="blue">
          <Group gap={4}>
            <IconArrowLeft size={14} aria-hidden /> Back to {contactName(from)}
          </Group>
        </UnstyledButton>
      )}
      <Stack gap={2}>
        <Title order={2} size="h3">
          {first?.name ?? name}
        </Title>
        {first && (
          <Text size="sm" c="dimmed">
            {[first.industry, first.employee_range && `${employeeRangeLabel(first.employee_range)} employees`, first.revenue_range && `revenue ${first.revenue_range}`, first.founded_year && `founded ${first.founded_year}`]
              .filter(Boolean)
              .join(' · ')}
          </Text>
        )}
        {first && (
          <Group gap="sm">
            {first.domain && (
              <Anchor href={`https://${first.domain}`} target="_blank" rel="noreferrer" size="sm">
                <Group gap={2}>
                  {first.domain} <IconExternalLink size={12} aria-hidden />
                </Group>
              </Anchor>
            )}
            <Text size="sm" c="dimmed">
              {[first.city, countryName(first.country)].filter(Boolean).join(', ')}
            </Text>
          </Group>
        )}
      </Stack>

      {company.isPending ? (
        <Skeleton height={200} aria-label="Loading company" />
      ) : company.isError && !first ? (
        <ApiErrorAlert error={company.error} onRetry={() => void company.refetch()} />
      ) : (
        first && (
          <>
            <Text size="sm" fw={500} data-testid="company-contact-count">
              {formatTotal(first.contact_count, { capped: first.contact_count_is_capped })} contact
              {first.contact_count === 1 ? '' : 's'} you can see
            </Text>
            <Table verticalSpacing={4} fz="sm" highlightOnHover>
              <Table.Tbody>
                {contacts.map((contact) => (
                  <Table.Tr key={contact.id} data-testid="company-contact">
                    <Table.Td>
                      <Anchor component="button" type="button" size="sm" onClick={() => onOpenContact(contact)}>
                        {contactName(contact)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>
                        {contact.title}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <SavedStatusBadge contact={contact} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {company.hasNextPage && (
              <Center>
                <Button
                  size="xs"
                  variant="default"
                  loading={company.isFetchingNextPage}
                  onClick={() => void company.fetchNextPage()}
                >
                  Load more ({formatNumber(contacts.length)} shown)
                </Button>
              </Center>
            )}
            {!company.hasNextPage && first.contact_count_is_capped && (
              <Text size="sm" c="dimmed" ta="center" data-testid="company-contacts-end">
                The first {formatNumber(contacts.length)} contacts are shown: search for the company with more filters to see
                the others.
              </Text>
            )}
          </>
        )
      )}
    </Stack>
  );
}
