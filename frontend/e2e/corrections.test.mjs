import assert from 'node:assert/strict';

import {
  apiResponse,
  createSystemAdmin,
  selectOption,
  seedContacts,
  signIn,
  signUp,
  strongPassword,
  uniqueId,
} from './accounts.mjs';
import { browserTest, waitForExactText } from './lib.mjs';

browserTest(
  'corrections: a customer corrects a contact and sees it at once; staff accept one correction for everyone and reject another',
  async ({ page, openPage }) => {
    seedContacts();
    const id = uniqueId();
    const staff = { email: `reviewer-${id}@e2e.test`, password: strongPassword() };
    createSystemAdmin(staff);
    await signUp(page, {
      email: `corrector-${id}@e2e.test`,
      password: strongPassword(),
      name: 'Cora Corrector',
      organization: `E2E Corrections ${id}`,
    });

    // Find a contact and open it.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Search', exact: true }).click();
    const searched = apiResponse(page, 'POST', '/contacts/search');
    await page.getByRole('textbox', { name: 'Search contacts' }).fill('manager');
    const results = await (await searched).json();
    assert.ok(results.items.length > 0, 'managers are found');
    const contact = results.items[0];
    const name = `${contact.first_name} ${contact.last_name}`.trim();
    const row = page.locator(`[data-testid="result-row"][data-contact-id="${contact.id}"]`);
    await row.getByTestId('result-name').click();
    const drawer = page.getByTestId('contact-details');
    await waitForExactText(drawer.getByTestId('contact-name'), name);

    // Correct the city: the drawer and the result row show the new value at once, marked pending.
    // (A city the seed never uses, accented, so the value must survive as typed.)
    const city = `Tórshavn ${id}`;
    const form = page.getByRole('form', { name: 'Suggest a correction' });
    await selectOption(page, 'Field', 'City');
    await form.getByRole('textbox', { name: 'Correct value' }).fill(city);
    const submitted = apiResponse(page, 'POST', `/contacts/${contact.id}/corrections`);
    await form.getByRole('button', { name: 'Submit correction' }).click();
    const submission = await submitted;
    assert.equal(submission.status(), 201);
    const correction = await submission.json();
    assert.equal(correction.status, 'pending');
    assert.equal(correction.new_value, city);
    await waitForExactText(drawer.getByTestId('corrected-city'), 'Corrected · pending');
    await drawer.getByText(city, { exact: false }).first().waitFor();
    await row.getByText(city, { exact: false }).waitFor();

    // The correction is the tenant's own until staff review it: it survives a reload.
    await page.reload();
    await page.locator(`[data-testid="result-row"][data-contact-id="${contact.id}"]`).getByTestId('result-name').click();
    await waitForExactText(page.getByTestId('contact-details').getByTestId('corrected-city'), 'Corrected · pending');

    // A system admin finds it in the review queue and accepts it.
    const admin = await openPage();
    await signIn(admin, staff);
    await admin.goto('/admin/corrections');
    const queued = admin.getByTestId('correction-row').filter({ hasText: city });
    await queued.waitFor();
    await queued.getByText(name).waitFor();
    await queued.getByText(`E2E Corrections ${id}`).waitFor();
    const accepted = apiResponse(admin, 'POST', `/admin/corrections/${correction.id}/accept`);
    await queued.getByRole('button', { name: `Accept the city of ${name}` }).click();
    const acceptance = await accepted;
    assert.equal(acceptance.status(), 200);
    await admin.getByText(`Accepted: the city of ${name} is now “\u2068${city}\u2069” for everyone.`).waitFor();
    await queued.waitFor({ state: 'detached' });

    // The shared record now holds the value; the customer sees their correction accepted.
    await page.reload();
    const reopened = apiResponse(page, 'GET', `/contacts/${contact.id}`);
    await page.locator(`[data-testid="result-row"][data-contact-id="${contact.id}"]`).getByTestId('result-name').click();
    const detail = await (await reopened).json();
    assert.equal(detail.city, city);
    assert.deepEqual(
      detail.corrections.map((c) => [c.field, c.status]),
      [['city', 'accepted']],
    );
    await waitForExactText(page.getByTestId('contact-details').getByTestId('corrected-city'), 'Corrected · accepted');

    // A second correction, of the company name, which staff reject: the tenant keeps its value, marked
    // rejected, and the shared record keeps the old one. (Not the title: the tenant's search for
    // "manager" would no longer find the contact under its corrected title.)
    const company = `Faroe Fisheries ${id}`;
    const companyForm = page.getByRole('form', { name: 'Suggest a correction' });
    await selectOption(page, 'Field', 'Company name');
    await companyForm.getByRole('textbox', { name: 'Correct value' }).fill(company);
    const companySubmitted = apiResponse(page, 'POST', `/contacts/${contact.id}/corrections`);
    await companyForm.getByRole('button', { name: 'Submit correction' }).click();
    const companySubmission = await companySubmitted;
    assert.equal(companySubmission.status(), 201);
    const companyCorrection = await companySubmission.json();
    await waitForExactText(page.getByTestId('contact-details').getByTestId('corrected-company_name'), 'Corrected · pending');

    await admin.reload();
    const queuedCompany = admin.getByTestId('correction-row').filter({ hasText: company });
    const rejected = apiResponse(admin, 'POST', `/admin/corrections/${companyCorrection.id}/reject`);
    await queuedCompany.getByRole('button', { name: `Reject the company name of ${name}` }).click();
    assert.equal((await rejected).status(), 200);
    await admin.getByText(`Rejected: only \u2068E2E Corrections ${id}\u2069 keeps “\u2068${company}\u2069”.`).waitFor();
    await queuedCompany.waitFor({ state: 'detached' });

    await page.reload();
    const reread = apiResponse(page, 'GET', `/contacts/${contact.id}`);
    await page.locator(`[data-testid="result-row"][data-contact-id="${contact.id}"]`).getByTestId('result-name').click();
    const afterReject = await (await reread).json();
    assert.equal(afterReject.company_name, company, 'the tenant still sees its own value');
    assert.deepEqual(
      afterReject.corrections.map((c) => [c.field, c.status]).sort(),
      [['city', 'accepted'], ['company_name', 'rejected']],
    );
    await waitForExactText(page.getByTestId('contact-details').getByTestId('corrected-company_name'), 'Corrected · rejected');
    const shared = afterReject.corrections.find((c) => c.field === 'company_name');
    assert.equal(shared.canonical, contact.company_name, 'the shared record keeps its company name');

    // The Corrections page lists both, newest first, with their states and who filed them.
    await page.keyboard.press('Escape');
    await page.getByTestId('contact-details').waitFor({ state: 'detached' });
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Corrections', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Corrections' }).waitFor();
    const listed = page.getByTestId('tenant-correction');
    const companyItem = listed.filter({ hasText: company });
    const cityItem = listed.filter({ hasText: city });
    await waitForExactText(companyItem.getByTestId('correction-state'), 'Rejected');
    await waitForExactText(cityItem.getByTestId('correction-state'), 'Accepted');
    await cityItem.getByText('Filed by Cora Corrector', { exact: false }).waitFor();
    assert.equal(await listed.count(), 2);

    // Filtered by status, in the address.
    await selectOption(page, 'Status', 'Rejected');
    await page.waitForURL(/[?&]status=rejected/);
    await cityItem.waitFor({ state: 'detached' });
    await waitForExactText(companyItem.getByTestId('correction-state'), 'Rejected');

    // From the page: open the contact, correct its title (pending review), see it listed, undo it.
    await selectOption(page, 'Status', 'Any status');
    await companyItem.getByRole('button', { name }).click();
    await page.getByTestId('contact-details').getByTestId('contact-name').waitFor();
    const title = `Chief Fog Officer ${id}`;
    await selectOption(page, 'Field', 'Title');
    const titleForm = page.getByRole('form', { name: 'Suggest a correction' });
    await titleForm.getByRole('textbox', { name: 'Correct value' }).fill(title);
    const titleSubmitted = apiResponse(page, 'POST', `/contacts/${contact.id}/corrections`);
    await titleForm.getByRole('button', { name: 'Submit correction' }).click();
    assert.equal((await titleSubmitted).status(), 201);
    await page.keyboard.press('Escape');
    await page.getByTestId('contact-details').waitFor({ state: 'detached' });
    const titleItem = listed.filter({ hasText: title });
    await waitForExactText(titleItem.getByTestId('correction-state'), 'Pending review');
    const undone = apiResponse(page, 'POST', `/contacts/${contact.id}/corrections`);
    await titleItem.getByRole('button', { name: `Undo the title correction of ${name}` }).click();
    const undo = await undone;
    assert.equal(undo.status(), 201);
    assert.equal((await undo.json()).new_value, contact.title, 'the undo goes back to the shared title');
    await waitForExactText(titleItem.getByTestId('correction-state'), 'Withdrawn');
    await waitForExactText(listed.first().getByTestId('correction-state'), 'Undone');
  },
  { timeout: 120_000 },
);
