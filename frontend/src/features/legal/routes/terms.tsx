import { useDocumentTitle } from '@/lib/use-document-title';

import { LegalDocumentView } from '../components/legal-document-view';
import { termsOfService } from '../terms-of-service';

export function TermsRoute() {
  useDocumentTitle(termsOfService.title);
  return <LegalDocumentView document={termsOfService} />;
}
