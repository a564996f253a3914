import { productName, supportContactUrl, supportEmail } from '@/config/product';

import { list, paragraph, type LegalDocument } from './legal-document';

/**
 * What the product stores and why, section by section from the data model (docs: DESIGN.md §3).
 * When a table or a field that holds personal data is added, say so here.
 */
export const privacyPolicy: LegalDocument = {
  product: productName,
  title: 'Privacy Policy',
  lastUpdated: 'November 30, 2026',
  intro: [
    paragraph(
      'This policy explains what 1CloudAI Business Contacts stores, why it stores it, and how it is protected. It covers the web application, the REST API and the 1CloudAI CRM integration. Everything an organization (a tenant) stores is kept apart from every other organization: each request is limited to the data of the organization it is made for.',
    ),
  ],
  sections: [
    {
      heading: 'Your account',
      blocks: [
        list(
          'Your email address and name, to sign you in, to show your teammates who did what, and to send invitations and service messages.',
          'Your password, stored only as an argon2id hash. The password itself is never stored, and nobody, including our staff, can read it back.',
          'When you ask for a password reset, a SHA-256 hash of the link, its expiry and the IP address that asked for it. A link works once, for an hour, and is deleted a day after it expires.',
          'Failed sign-ins, counted per email address and per IP address to slow down password guessing (and sign-ups and reset requests, per IP address). A count is forgotten an hour after its last failure, once any lock it caused is over.',
          'The messages we send (invitations and password reset links) wait in an outbox until they are sent. We keep the address a message went to, its subject and when it was sent for 30 days; its text, with its links, is deleted as soon as it has been sent.',
        ),
      ],
    },
    {
      heading: 'Organizations, memberships and roles',
      blocks: [
        paragraph(
          'For each organization we store its name, its status (active or suspended) and its package. For each member we store their role in that organization (organization admin, member or viewer), which decides what they may see and change. Pending invitations are stored with a hashed token and an expiry date.',
        ),
      ],
    },
    {
      heading: 'Sessions',
      blocks: [
        paragraph(
          'When you sign in we create a session. Its refresh token is kept in an httpOnly cookie in your browser and stored on our side only as a hash; it changes each time it is used, and reusing an old one ends the whole session. Signing out revokes the session. Access tokens are short-lived and are not stored. With each session we store the IP address and the browser (user agent) it was started from, when it was last used and when it ended; a session is deleted 30 days after it ends.',
        ),
      ],
    },
    {
      heading: 'Contact and company data',
      blocks: [
        paragraph(
          'The product is a database of business contacts. For people it holds names, business email address and whether it was verified, phone number, job title, seniority, department, company, LinkedIn URL, city, region, country, the source of the record and when it last changed. For companies it holds name, web domain, industry, employee and revenue ranges, country, city, LinkedIn URL and founding year. This data is what you search.',
        ),
        paragraph(
          'Contacts that your organization imports and that match no record in the shared database stay visible to your organization only.',
        ),
      ],
    },
    {
      heading: "Your organization's workspace",
      blocks: [
        list(
          'Saved contacts, with their approval status, notes, and who approved them and when.',
          'Lists and their members.',
          'Corrections your organization submits to a contact. Your organization sees them at once; platform staff may review them and accept them into the shared record.',
          'Imports: the uploaded files themselves, their detected encoding and delimiter, the column mapping, the outcome of every row and any row errors.',
        ),
      ],
    },
    {
      heading: 'API keys',
      blocks: [
        paragraph(
          'An API key is shown once, when it is created. We keep only its prefix (so you can recognise it) and a SHA-256 hash of it, together with its name, scopes, who created it, when it was last used, its expiry and whether it was revoked.',
        ),
      ],
    },
    {
      heading: '1CloudAI CRM connection',
      blocks: [
        paragraph(
          'When an organization admin connects 1CloudAI CRM, we store the CRM account id, the granted scopes, who connected it, and the access and refresh tokens encrypted with AES-256-GCM. For every contact pushed to the CRM we keep the CRM record id, the status and a history of every attempt, so that no contact is pushed twice. Contacts are sent to your CRM account only when your organization pushes approved contacts.',
        ),
      ],
    },
    {
      heading: 'Billing',
      blocks: [
        paragraph(
          'Payments are handled by Stripe. We store your organization’s Stripe customer and subscription ids, its package, and the status and period of its subscription. Card details are entered on Stripe’s pages and never reach or are stored by this service.',
        ),
      ],
    },
    {
      heading: 'Usage',
      blocks: [
        paragraph(
          'We count, per organization and period, the searches, imported rows, CRM pushes and API requests that your package limits, so that the limits can be applied and shown to you.',
        ),
      ],
    },
    {
      heading: 'Audit log',
      blocks: [
        paragraph(
          'Security-relevant and administrative actions (for example changes to members and roles, API keys and the CRM connection) are recorded in an append-only audit log: who acted (a user or an API key), what they did, on what, when, and from which IP address. Entries cannot be edited. Organization admins see the log of their organization; platform staff see it to operate and secure the service.',
        ),
      ],
    },
    {
      heading: 'What is never logged',
      blocks: [
        paragraph(
          'Passwords, access and refresh tokens, API key secrets and CRM tokens are never written to logs and are never returned by the API after they are created. Server logs identify a request by its request id and by the ids of the organization, user or API key that made it.',
        ),
      ],
    },
    {
      heading: 'Who can see your data',
      blocks: [
        list(
          'Members of your organization, according to their role.',
          'Platform staff (system administrators, and support staff with read-only access), to operate the service, answer support requests and review corrections.',
          'Stripe, for payments, and your 1CloudAI CRM account, when your organization connects it and pushes contacts.',
        ),
      ],
    },
    {
      heading: 'Contact',
      blocks: [
        paragraph(
          'For questions about this policy or your data, email ',
          { text: supportEmail, href: `mailto:${supportEmail}` },
          ' or use the support form at ',
          { text: supportContactUrl, href: supportContactUrl },
          '. The ',
          { text: 'Terms of Service', to: '/terms' },
          ' describe the rules for using the service.',
        ),
      ],
    },
  ],
};
