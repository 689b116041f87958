// "What happened to our ideas?": a phone that took part in a live poll sees where its own words
// went. The participant token the poll kept in localStorage (live-resident.mjs, per code) is
// sent in a header to GET /api/v1/live/influence; it never goes in a URL. Everything shown is
// put in with textContent: residents' words are never parsed as HTML.
import { el } from './live-render.mjs'

const app = document.getElementById('influence-app')
const statusBox = document.getElementById('influence-status')
const list = document.getElementById('influence-list')
const code = app.dataset.code

function token () {
  try { return window.localStorage.getItem(`engage.live.${code}`) } catch (e) { return null }
}

function dateText (iso) {
  if (!iso) return ''
  const [y, m, d] = iso.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
}

function decisionLine (d) {
  const when = d.takes_effect_on ? ` It takes effect on ${dateText(d.takes_effect_on)}.` : ''
  return el('li', {},
    el('strong', { text: d.title }),
    ` (${d.kind.toLowerCase()}): ${d.status_label.toLowerCase()}. Decided by ${d.decided_by} on ${dateText(d.decided_on)}.${when}`)
}

function themeBlock (t) {
  const others = t.others === 1 ? '1 other person said the same.' : `${t.others} other people said the same.`
  const block = el('div', { class: 'engage-ysd-influence__theme' },
    el('h3', { class: 'govuk-heading-s govuk-!-margin-bottom-1', text: `Theme: ${t.theme}` }),
    el('p', { class: 'govuk-body govuk-!-margin-bottom-1', text: t.minority ? `${others} It is recorded as a minority view.` : others })
  )
  if (t.decisions.length) {
    block.append(el('p', { class: 'govuk-body govuk-!-margin-bottom-1', text: 'What was done:' }),
      el('ul', { class: 'govuk-list govuk-list--bullet' }, ...t.decisions.map(decisionLine)))
  } else if (t.not_taken_up) {
    block.append(el('p', { class: 'govuk-body', text: `Not taken up: ${t.not_taken_up}` }))
  } else {
    block.append(el('p', { class: 'govuk-body', text: 'The team has not decided anything about this yet.' }))
  }
  return block
}

function render (answers) {
  list.replaceChildren()
  if (!answers.length) {
    statusBox.textContent = 'Nothing you wrote on this phone in this poll has been kept as an idea yet.'
    return
  }
  statusBox.textContent = `You wrote ${answers.length} ${answers.length === 1 ? 'thing' : 'things'} in this poll.`
  for (const a of answers) {
    const card = el('div', { class: 'govuk-summary-card engage-ysd-influence' },
      el('div', { class: 'govuk-summary-card__title-wrapper' },
        el('h2', { class: 'govuk-summary-card__title engage-wrap', text: `“${a.text}”` })),
      el('div', { class: 'govuk-summary-card__content' }))
    const body = card.lastChild
    body.append(el('p', { class: 'govuk-body-s engage-wrap', text: `${a.kind}: ${a.question}` }))
    if (!a.themes.length && !a.decisions.length) {
      body.append(el('p', { class: 'govuk-body', text: 'The team has read this but has not put it in a theme yet.' }))
    }
    a.themes.forEach(t => body.append(themeBlock(t)))
    if (a.decisions.length) {
      body.append(el('p', { class: 'govuk-body govuk-!-margin-bottom-1', text: 'It shaped directly:' }),
        el('ul', { class: 'govuk-list govuk-list--bullet' }, ...a.decisions.map(decisionLine)))
    }
    list.append(card)
  }
}

async function load () {
  const mine = token()
  if (!mine) {
    statusBox.textContent = 'This phone did not take part in this poll, or its browser has forgotten it (for example after private browsing).'
    return
  }
  try {
    const response = await fetch(app.dataset.api, { headers: { 'Participant-Token': mine, Accept: 'application/json' } })
    const body = await response.json()
    if (!response.ok) { statusBox.textContent = body.error ? body.error.message : 'Your answers could not be found.'; return }
    render(body.answers)
  } catch (e) {
    statusBox.textContent = 'Your answers could not be loaded. Check your connection, then reload the page.'
  }
}

load()
