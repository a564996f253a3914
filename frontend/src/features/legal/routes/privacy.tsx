import { useDocumentTitle } from '@/lib/use-document-title';

import { LegalDocumentView } from '../components/legal-document-view';
import { privacyPolicy } from '../privacy-policy';

export function PrivacyRoute() {
  useDocumentTitle(privacyPolicy.title);
  return <LegalDocumentView document={privacyPolicy} />;
}
