import { initAll } from './nhsuk-frontend.min.mjs';

initAll();

// The NHS.UK frontend marks a radio or checkbox that reveals more questions with aria-expanded,
// which ARIA does not allow on those roles (axe-core: aria-allowed-attr). The revealed questions
// follow the answer in the page, so nothing is lost by taking it off whenever it is set.
const revealing = 'input[type=radio][aria-controls], input[type=checkbox][aria-controls]';
const unexpand = (root) => root.querySelectorAll(`${revealing}[aria-expanded]`).forEach((input) => input.removeAttribute('aria-expanded'));
unexpand(document);
new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.target.matches(revealing)) change.target.removeAttribute('aria-expanded');
  }
}).observe(document.body, { attributes: true, attributeFilter: ['aria-expanded'], subtree: true });

// Elements that ask to be printed (e.g. sign-in sheets) get a print button behaviour.
for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}

// Progress of a background job: poll the JSON URL and update the bar and status text.
for (const el of document.querySelectorAll('[data-progress-url]')) {
  const bar = el.querySelector('progress');
  const status = el.querySelector('[data-progress-status]');
  const poll = async () => {
    const response = await fetch(el.dataset.progressUrl, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const data = await response.json();
    if (bar && data.total) { bar.max = data.total; bar.value = data.done || 0; }
    if (status) status.textContent = data.message || '';
    if (data.finished && data.next_url) { window.location = data.next_url; return; }
    if (!data.finished) setTimeout(poll, 1000);
  };
  poll();
}

// A bulletin that is sending: its progress table updates itself, and the page reloads when it stops.
for (const table of document.querySelectorAll('[data-campaign-progress-url]')) {
  const poll = async () => {
    const response = await fetch(table.dataset.campaignProgressUrl, { headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const data = await response.json();
    for (const cell of table.querySelectorAll('[data-count]')) {
      const value = data[cell.dataset.count];
      if (value !== undefined) cell.textContent = value;
    }
    if (data.status !== 'sending') { window.location.reload(); return; }
    setTimeout(poll, 3000);
  };
  setTimeout(poll, 3000);
}
