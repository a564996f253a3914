import { formatNumber } from '@/lib/format';

/**
 * The stable codes the API filters and facets use (internal/contacts: Seniorities, Departments,
 * EmployeeRanges), in product order, with the labels people read.
 */
export const seniorityOptions = [
  { value: 'owner', label: 'Owner' },
  { value: 'c_suite', label: 'C-suite' },
  { value: 'vp', label: 'VP' },
  { value: 'head', label: 'Head' },
  { value: 'director', label: 'Director' },
  { value: 'manager', label: 'Manager' },
  { value: 'senior', label: 'Senior' },
  { value: 'entry', label: 'Entry' },
] as const;

export const departmentOptions = [
  { value: 'executive', label: 'Executive' },
  { value: 'engineering', label: 'Engineering' },
  { value: 'sales', label: 'Sales' },
  { value: 'marketing', label: 'Marketing' },
  { value: 'operations', label: 'Operations' },
  { value: 'finance', label: 'Finance' },
  { value: 'it', label: 'IT' },
  { value: 'human_resources', label: 'Human resources' },
  { value: 'customer_success', label: 'Customer success' },
  { value: 'product', label: 'Product' },
  { value: 'data', label: 'Data' },
  { value: 'design', label: 'Design' },
  { value: 'legal', label: 'Legal' },
] as const;

export const employeeRangeOptions = [
  { value: '1-10', label: '1–10' },
  { value: '11-50', label: '11–50' },
  { value: '51-200', label: '51–200' },
  { value: '201-500', label: '201–500' },
  { value: '501-1000', label: '501–1,000' },
  { value: '1001-5000', label: '1,001–5,000' },
  { value: '5001-10000', label: '5,001–10,000' },
  { value: '10001+', label: '10,001+' },
] as const;

export const savedStatusOptions = [
  { value: 'saved', label: 'Saved' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Rejected' },
] as const;

export const correctionFieldOptions = [
  { value: 'title', label: 'Title' },
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'company_name', label: 'Company name' },
  { value: 'city', label: 'City' },
  { value: 'country', label: 'Country' },
  { value: 'linkedin_url', label: 'LinkedIn URL' },
] as const;

export type CorrectionField = (typeof correctionFieldOptions)[number]['value'];

function labelFrom(options: readonly { value: string; label: string }[], value: string): string {
  return options.find((o) => o.value === value)?.label ?? value;
}

export const seniorityLabel = (value: string) => labelFrom(seniorityOptions, value);
export const departmentLabel = (value: string) => labelFrom(departmentOptions, value);
export const employeeRangeLabel = (value: string) => labelFrom(employeeRangeOptions, value);
export const correctionFieldLabel = (value: string) => labelFrom(correctionFieldOptions, value);

let regionNames: Intl.DisplayNames | null | undefined;

/** "DE" → "Germany"; unknown codes stay as they are. */
export function countryName(code: string): string {
  if (!code) return '';
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
    } catch {
      regionNames = null;
    }
  }
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A search total as people should read it: "10,000+" when capped, "≈1,200" when estimated. */
export function formatTotal(total: number, { capped, estimate }: { capped: boolean; estimate?: boolean }): string {
  if (capped) return `${formatNumber(total)}+`;
  if (estimate) return `≈${formatNumber(total)}`;
  return formatNumber(total);
}

/** "Zoë Müller"; a contact without a name shows its email, then "Unnamed contact". */
export function contactName(contact: { first_name: string; last_name: string; email?: string }): string {
  const name = `${contact.first_name} ${contact.last_name}`.trim();
  return name || contact.email || 'Unnamed contact';
}

/** "Berlin, Germany", skipping what is missing. */
export function formatLocation(contact: { city: string; region?: string; country: string }): string {
  return [contact.city, countryName(contact.country)].filter(Boolean).join(', ');
}
