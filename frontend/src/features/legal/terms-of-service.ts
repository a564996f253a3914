import { productName, supportContactUrl, supportEmail } from '@/config/product';

import { list, paragraph, type LegalDocument } from './legal-document';

/**
 * The Terms of Service, word for word as approved: terms-of-service.txt beside this file is the
 * approved text (a byte-for-byte copy of shared/seed/terms-of-service.txt), and the page's test
 * compares what it renders with it. Change the wording only together with that file and a new
 * "Last updated" date; the links added here (support address, contact form, Privacy Policy) keep
 * the text itself unchanged.
 */
export const termsOfService: LegalDocument = {
  product: productName,
  title: 'Terms of Service',
  lastUpdated: 'May 30, 2026',
  intro: [
    paragraph(
      'These Terms govern access to and use of 1CloudAI Business Contacts, including the contact search workspace, tenant administration tools, import features, API-key workflows, billing workflows, and 1CloudAI CRM integration features.',
    ),
  ],
  sections: [
    {
      heading: 'Use of the service',
      blocks: [
        list(
          'You must use the service only for lawful business purposes and in accordance with your tenant role.',
          'You are responsible for maintaining accurate user, tenant, billing, and CRM connection information.',
          'You must not attempt to bypass role checks, usage limits, package limits, or security controls.',
          'You must not upload, import, or synchronize data that you are not authorized to process.',
        ),
      ],
    },
    {
      heading: 'Accounts and permissions',
      blocks: [
        paragraph(
          'Access is controlled through authenticated users, tenant memberships, system roles, and scoped API keys. Organization Admins are responsible for managing tenant users and for authorizing or disconnecting 1CloudAI CRM integrations for their tenant.',
        ),
      ],
    },
    {
      heading: 'Contact data and CRM sync',
      blocks: [
        paragraph(
          'The platform uses a shared canonical contact model with tenant-specific saved contacts, corrections, import records, and CRM push history. CRM sync is designed to push approved contacts and avoid duplicate pushes for a tenant, but users remain responsible for checking that synced data is appropriate for their business and CRM account.',
        ),
      ],
    },
    {
      heading: 'Packages, billing, and limits',
      blocks: [
        paragraph(
          'Packages may define limits for users, searches, contacts per query, API access, and worker activity. Paid plans and billing features are activated only through supported checkout, verified webhook events, or approved manual administration.',
        ),
      ],
    },
    {
      heading: 'Availability and changes',
      blocks: [
        paragraph(
          'The service may change as features, integrations, package limits, security requirements, and Marketplace review requirements evolve. We may suspend access where needed to protect the service, comply with law, resolve abuse, or address security concerns.',
        ),
      ],
    },
    {
      heading: 'Support',
      blocks: [
        paragraph(
          'For support, email ',
          { text: supportEmail, href: `mailto:${supportEmail}` },
          ' or use the support form at ',
          { text: supportContactUrl, href: supportContactUrl },
          '.',
        ),
      ],
    },
    {
      heading: 'Privacy',
      blocks: [
        paragraph(
          'Our ',
          { text: 'Privacy Policy', to: '/privacy' },
          ' explains how information is handled when you use the service.',
        ),
      ],
    },
  ],
};
