import { useEffect } from 'react';

import { productName } from '@/config/product';

/** Sets the browser tab title to "<page> · 1CloudAI Business Contacts". */
export function useDocumentTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} · ${productName}`;
  }, [page]);
}
