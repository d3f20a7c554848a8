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

// The text message version of a campaign: its length in characters and text messages as it is typed,
// counted as the server counts it (app/newsletters/texts.py), with the links Involve adds.
const GSM_BASIC = new Set(Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'));
const GSM_EXTENSION = new Set(Array.from('^{}\\[~]|€\f'));
for (const group of document.querySelectorAll('[data-sms-counter]')) {
  const area = group.querySelector('textarea');
  const out = group.querySelector('[data-sms-count]');
  const added = Number(group.dataset.smsAdded);
  const most = Number(group.dataset.smsMax);
  const show = () => {
    const text = area.value.replace(/\r\n/g, '\n').trim();
    if (!text) { out.textContent = 'No text message version: everyone gets the email.'; return; }
    const chars = Array.from(text);
    const gsm = chars.every((c) => GSM_BASIC.has(c) || GSM_EXTENSION.has(c));
    const own = gsm ? chars.reduce((n, c) => n + (GSM_EXTENSION.has(c) ? 2 : 1), 0)
      : chars.reduce((n, c) => n + (c.codePointAt(0) > 0xffff ? 2 : 1), 0);
    const units = own + added;
    const [single, multi] = gsm ? [160, 153] : [70, 67];
    const fragments = units <= single ? 1 : Math.ceil(units / multi);
    const words = `${units} characters (${gsm ? 'GSM 7-bit' : 'Unicode'}): ${fragments} text message${fragments === 1 ? '' : 's'}`;
    out.textContent = `With the links added: ${words}.` + (fragments > most ? ` That is more than ${most}: shorten it.` : '');
  };
  area.addEventListener('input', show);
}

// The audit form: show only the filters of the group chosen to audit (without script, pressing Show does it).
for (const choice of document.querySelectorAll('select[name=population]')) {
  const filters = choice.form.querySelectorAll('[data-population-filter]');
  const follow = () => filters.forEach((el) => { el.hidden = el.dataset.populationFilter !== choice.value; });
  choice.addEventListener('change', follow);
}
