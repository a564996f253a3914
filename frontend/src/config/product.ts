/** The product's name and where users reach support: the same addresses the Terms of Service name. */
export const productName = '1CloudAI Business Contacts';
export const supportEmail = 'support@1cloudcrm.com';
export const supportContactUrl = 'https://1cloudaicrm.com/contact';
