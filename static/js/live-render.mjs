// Drawing live polls with the DOM: the one place results are drawn (summary, bars and their
// table, word clouds, answers and questions from the room), on phones and staff screens, and the
// registry of renderers by name that draw each kind of question. Bars use the same markup as
// templates/surveys/chart.html, which draws survey results and the no-JavaScript fallback.
// No inline styles (the CSP forbids them): bar widths are SVG attributes, sizes are classes.

const SVG_NS = 'http://www.w3.org/2000/svg'

/** An element with attributes and children; `text` sets textContent, `class` the class list. */
export function el (tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue
    if (key === 'text') node.textContent = value
    else if (key === 'class') node.className = value
    else node.setAttribute(key, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child)
  }
  return node
}

function svg (tag, attrs = {}) {
  const node = document.createElementNS(SVG_NS, tag)
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value))
  return node
}

export function plural (n, one, many) {
  return `${n} ${n === 1 ? one : (many || one + 's')}`
}

export function visuallyHidden (text) {
  return el('span', { class: 'govuk-visually-hidden', text })
}

const STATES = {
  pending: ['Not opened yet', 'govuk-tag--grey'],
  open: ['Voting open', 'govuk-tag--green'],
  closed: ['Voting closed', 'govuk-tag--blue']
}

export function stateTag (state) {
  const [label, modifier] = STATES[state] || [state, '']
  return el('strong', { class: `govuk-tag ${modifier}`, 'data-live': 'state', text: label })
}

function truncate (text, length) {
  return text.length > length ? text.slice(0, length - 3).trimEnd() + '...' : text
}

/** A horizontal bar chart (hidden from assistive technology) and the same figures as a table. */
export function barChart (rows, caption, id) {
  const height = rows.length * 34 + 4
  const chart = svg('svg', { class: 'engage-chart__svg', width: '100%', height, 'aria-hidden': 'true', focusable: 'false' })
  rows.forEach((row, i) => {
    const y = i * 34
    const label = svg('text', { class: 'engage-chart__label', x: 0, y: y + 13 })
    label.textContent = truncate(row.label, 48)
    chart.append(label,
      svg('rect', { class: 'engage-chart__track', x: 0, y: y + 18, width: '100%', height: 12 }),
      svg('rect', { class: 'engage-chart__bar', x: 0, y: y + 18, width: `${Math.min(row.percent, 100)}%`, height: 12 }))
  })
  return el('figure', { class: 'engage-chart', 'aria-labelledby': `${id}-caption` },
    chart,
    el('figcaption', { id: `${id}-caption`, class: 'govuk-visually-hidden', text: caption }),
    el('div', { class: 'engage-table-scroll' }, figuresTable(rows, caption)))
}

/** A chart's figures as a table: answer, count and per cent. */
export function figuresTable (rows, caption) {
  const body = el('tbody', { class: 'govuk-table__body' }, rows.map(row => el('tr', { class: 'govuk-table__row' },
    el('th', { scope: 'row', class: 'govuk-table__header engage-wrap', text: row.label }),
    el('td', { class: 'govuk-table__cell govuk-table__cell--numeric', text: String(row.count) }),
    el('td', { class: 'govuk-table__cell govuk-table__cell--numeric', text: `${row.percent.toFixed(1)}%` }))))
  return el('table', { class: 'govuk-table engage-chart__table' },
    el('caption', { class: 'govuk-table__caption govuk-table__caption--s', text: `Figures for “${caption}”` }),
    el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' },
      el('th', { scope: 'col', class: 'govuk-table__header', text: 'Answer' }),
      el('th', { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric', text: 'Count' }),
      el('th', { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric', text: 'Per cent' }))),
    body)
}

/** Words sized by how often they were given (five sizes, by class); the table says the same. */
export function cloud (rows) {
  const top = Math.max(0, ...rows.map(r => r.count))
  return el('ul', { class: 'engage-live-cloud', 'aria-hidden': 'true' }, rows.map(row =>
    el('li', {
      class: `engage-live-cloud__word engage-live-cloud__word--${top ? Math.ceil((row.count / top) * 4) + 1 : 1}`,
      text: row.label
    })))
}

/**
 * Bars for the projector, as one table: each row is the answer, its bar (drawn, and hidden from
 * assistive technology) and its figures, so the chart is its own table alternative and six
 * answers fit a 1280x720 screen without scrolling.
 */
export function projectorBars (rows, caption) {
  return el('table', { class: 'engage-projector-bars' },
    el('caption', { class: 'govuk-visually-hidden', text: `Results for “${caption}”` }),
    el('thead', { class: 'govuk-visually-hidden' }, el('tr', {},
      el('th', { scope: 'col', text: 'Answer' }), el('th', { scope: 'col', text: 'Bar' }),
      el('th', { scope: 'col', text: 'Result' }))),
    el('tbody', {}, rows.map(row => {
      const bar = svg('svg', { class: 'engage-projector-bars__svg', width: '100%', height: 28, 'aria-hidden': 'true', focusable: 'false' })
      bar.append(svg('rect', { class: 'engage-projector-bars__track', x: 0, y: 0, width: '100%', height: 28 }),
        svg('rect', { class: 'engage-projector-bars__bar', x: 0, y: 0, width: `${Math.min(row.percent, 100)}%`, height: 28 }))
      return el('tr', { class: 'engage-projector-bars__row' },
        el('th', { scope: 'row', class: 'engage-projector-bars__label engage-wrap', text: row.label }),
        el('td', { class: 'engage-projector-bars__chart' }, bar),
        el('td', { class: 'engage-projector-bars__figure', text: `${row.count} (${Math.round(row.percent)}%)` }))
    })))
}

/**
 * Answers or questions from the room, as a list. `moderation` (staff screens) adds the buttons
 * the question's type allows (`question.moderation`) in forms that also work without
 * JavaScript; `upvote` (phones) adds up-vote buttons where residents ask (`question.asks`).
 */
export function entryList (question, entries, { empty = 'No answers yet.', moderation = null, upvote = null, upvoted = new Set() } = {}) {
  if (!entries.length) {
    return el('p', { class: 'govuk-body', 'data-live': 'entries-empty', text: empty })
  }
  const actions = question.moderation || []
  return el('ol', { class: 'govuk-list engage-live-entries', 'data-live': 'entries' }, entries.map(entry => {
    const classes = 'engage-live-entries__item' + (entry.hidden ? ' engage-live-entries__item--hidden' : '')
    const meta = el('p', { class: 'govuk-body-s engage-live-entries__meta' })
    if (question.asks) meta.append(plural(entry.upvotes, 'up-vote'))
    if (entry.answered) meta.append(' ', el('strong', { class: 'govuk-tag govuk-tag--green', text: 'Answered' }))
    if (entry.hidden) meta.append(' ', el('strong', { class: 'govuk-tag govuk-tag--grey', text: 'Hidden from the room' }))
    const item = el('li', { class: classes }, el('p', { class: 'govuk-body engage-wrap engage-live-entries__text', text: entry.text }), meta)
    const short = `“${truncate(entry.text, 40)}”`
    if (moderation && actions.length) {
      const form = el('form', { method: 'post', action: moderation.url, class: 'engage-live-entries__actions', 'data-live': 'moderate' },
        el('input', { type: 'hidden', name: 'csrf_token', value: moderation.csrf }),
        el('input', { type: 'hidden', name: 'mode', value: moderation.mode }),
        el('input', { type: 'hidden', name: 'question_id', value: question.id }),
        el('input', { type: 'hidden', name: 'entry_id', value: entry.id }))
      if (actions.includes('hide')) {
        form.append(el('button', { type: 'submit', name: 'action', value: entry.hidden ? 'show' : 'hide', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-module': 'govuk-button' },
          entry.hidden ? 'Show' : 'Hide', visuallyHidden(` ${short}`)))
      }
      if (actions.includes('answered')) {
        form.append(el('button', { type: 'submit', name: 'action', value: entry.answered ? 'unanswered' : 'answered', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-module': 'govuk-button' },
          entry.answered ? 'Mark not answered' : 'Mark answered', visuallyHidden(` ${short}`)))
      }
      item.append(form)
    }
    if (upvote && question.asks) {
      const done = upvoted.has(entry.id)
      item.append(el('button', {
        type: 'button', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-upvote': entry.id,
        'aria-pressed': done ? 'true' : 'false', disabled: done || question.state !== 'open'
      }, done ? 'Up-voted' : 'Up-vote', visuallyHidden(` ${short}`)))
    }
    return item
  }))
}

/** The question as a page heading (inside the fieldset's legend when the answer is a choice). */
export function heading (text, asLegend) {
  const h1 = el('h1', { class: asLegend ? 'govuk-fieldset__heading engage-wrap' : 'govuk-heading-l engage-wrap', id: 'live-heading', tabindex: '-1', text })
  return asLegend ? el('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--l' }, h1) : h1
}

// -- renderers, by name ---------------------------------------------------------------------------
//
// Every question carries the name of its renderer (`question.renderer`, from its type in
// surveys/question_types). A renderer draws the answer field on phones (`input`), reads and
// restores its value (`value`, `restore`) and draws the results on every screen (`results`).
// Adding a question type means at most one renderer here, registered with `register`; nothing
// else in the scripts asks which type a question is.

const renderers = {}

const base = {
  /** Nodes for the answer field; `ctx` has `hintId`, `yourVote` and `announce`. */
  input (q, ctx) { return [] },
  value (q, box) { const field = box.querySelector('#answer'); return field ? field.value : null },
  restore (q, box, value) { const field = box.querySelector('#answer'); if (field) field.value = typeof value === 'string' ? value : '' },
  /** Called when voting opens or closes, after the form's controls were enabled or disabled. */
  setOpen (q, box, open) {},
  /** Results below the summary line. */
  results (q, tally, entries, opts) { return tally && tally.chart.length ? [barChart(tally.chart, q.text, 'results')] : [] },
  /** What the projector lists while voting, without counts (labels), or null when there is
   *  nothing to choose from (the projector then shows the question's hint). */
  options (q) { return q.choices ? q.choices.map(choice => String(choice.label)) : null },
  /** Results on the projector, once they are shown. */
  projector (q, tally, entries) { return tally && tally.chart.length ? [projectorBars(tally.chart, q.text)] : [] },
  /** Nodes under the form listing what this phone has sent, or null (see word_cloud). */
  sent (q, yourVote, open) { return null },
  /** What a phone says about the answer it has sent (`yourVote`), under the form. */
  yours (q, yourVote, open) {
    const value = Array.isArray(yourVote) ? yourVote.join(', ') : String(yourVote)
    return open
      ? `Your answer: ${value}. You can change it until voting closes.`
      : `Voting has closed. Your answer was: ${value}.`
  }
}

export function register (name, renderer) {
  renderers[name] = { ...base, ...renderer }
}

export function rendererOf (q) {
  return renderers[q.renderer] || base
}

function errorSlot () { return el('div', { id: 'answer-error-slot' }) }

function textField (q, { hintId }, { label, multiline }) {
  return [heading(q.text, false),
    el('label', { class: 'govuk-label govuk-label--s', for: 'answer', text: label }),
    el('div', { class: 'govuk-hint', id: hintId, text: q.hint }),
    errorSlot(),
    multiline
      ? el('textarea', { class: 'govuk-textarea', id: 'answer', name: 'answer', rows: '3', 'aria-describedby': hintId })
      : el('input', { class: 'govuk-input', id: 'answer', name: 'answer', type: 'text', spellcheck: 'true', 'aria-describedby': hintId, autocomplete: 'off' })]
}

// Pick one (radios) or several (checkboxes) of `question.choices`: multiple choice, rating.
register('choice', {
  input (q, { hintId }) {
    const kind = q.multiple ? 'checkboxes' : 'radios'
    const items = el('div', { class: `govuk-${kind}`, 'data-module': `govuk-${kind}` }, q.choices.map((choice, i) => {
      const id = `answer-${i}`
      return el('div', { class: `govuk-${kind}__item` },
        el('input', { class: `govuk-${kind}__input`, id, name: 'answer', type: q.multiple ? 'checkbox' : 'radio', value: String(choice.value), 'data-index': i }),
        el('label', { class: `govuk-label govuk-${kind}__label`, for: id, text: choice.label }))
    }))
    return [el('fieldset', { class: 'govuk-fieldset', 'aria-describedby': hintId },
      heading(q.text, true), el('div', { class: 'govuk-hint', id: hintId, text: q.hint }), errorSlot(), items)]
  },
  value (q, box) {
    const chosen = [...box.querySelectorAll('input[name=answer]:checked')].map(input => q.choices[Number(input.dataset.index)].value)
    if (q.multiple) return chosen
    return chosen.length ? chosen[0] : null
  },
  restore (q, box, value) {
    const values = new Set((Array.isArray(value) ? value : [value]).map(String))
    box.querySelectorAll('input[name=answer]').forEach(input => { input.checked = values.has(input.value) })
  }
})

// Put every option in order with Move up / Move down buttons.
const orders = new WeakMap()

function drawRanking (list, open, focusIndex = null, focusMove = null) {
  const order = orders.get(list)
  list.replaceChildren(...order.map((option, i) => el('li', { class: 'engage-live-ranking__item' },
    el('span', { class: 'govuk-body engage-live-ranking__label engage-wrap', text: `${i + 1}. ${option}` }),
    el('span', { class: 'engage-live-ranking__buttons' },
      el('button', { type: 'button', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-move': '-1', 'data-index': i, disabled: !open || i === 0 }, 'Move up', visuallyHidden(` ${option}`)),
      el('button', { type: 'button', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-move': '1', 'data-index': i, disabled: !open || i === order.length - 1 }, 'Move down', visuallyHidden(` ${option}`))))))
  if (focusIndex !== null) {
    let button = list.querySelector(`[data-index="${focusIndex}"][data-move="${focusMove}"]`)
    if (!button || button.disabled) button = list.querySelector(`[data-index="${focusIndex}"]:not([disabled])`)
    if (button) button.focus()
  }
}

register('ranking', {
  options (q) { return q.options },
  input (q, { hintId, yourVote, announce }) {
    const list = el('ol', { class: 'govuk-list engage-live-ranking', id: 'ranking' })
    orders.set(list, Array.isArray(yourVote) ? [...yourVote] : [...q.options])
    list.addEventListener('click', event => {
      const button = event.target.closest('[data-move]')
      if (!button || button.disabled) return
      const order = orders.get(list)
      const from = Number(button.dataset.index)
      const to = from + Number(button.dataset.move)
      if (to < 0 || to >= order.length) return
      const [moved] = order.splice(from, 1)
      order.splice(to, 0, moved)
      drawRanking(list, true, to, button.dataset.move)
      announce(`${moved} is now number ${to + 1} of ${order.length}.`)
    })
    drawRanking(list, q.state === 'open')
    return [el('fieldset', { class: 'govuk-fieldset', 'aria-describedby': hintId },
      heading(q.text, true), el('div', { class: 'govuk-hint', id: hintId, text: q.hint }), errorSlot(), list)]
  },
  value (q, box) {
    const list = box.querySelector('#ranking')
    return list ? [...orders.get(list)] : null
  },
  restore (q, box, value) {
    const list = box.querySelector('#ranking')
    if (!list || !Array.isArray(value)) return
    orders.set(list, [...value])
    drawRanking(list, q.state === 'open')
  },
  setOpen (q, box, open) {
    const list = box.querySelector('#ranking')
    if (list) drawRanking(list, open)
  }
})

// Words or short phrases, several per phone (`max_answers`), each sent on its own and each
// removable while voting is open; results as a cloud with the same figures as bars and a table.
function wordsLeft (q, sent) {
  const left = (q.max_answers || 1) - sent.length
  return left > 0 ? `${left} more allowed` : 'no more allowed: remove one to send another'
}

register('word_cloud', {
  input (q, ctx) {
    const label = (q.max_answers || 1) > 1 ? 'A word or short phrase' : 'Your answer'
    return textField(q, ctx, { label, multiline: false })
  },
  // Sending adds a word: the field is emptied for the next one, never refilled with the last.
  restore (q, box, value) {
    const field = box.querySelector('#answer')
    if (field && typeof value === 'string') field.value = value
  },
  yours (q, yourVote, open) {
    const sent = Array.isArray(yourVote) ? yourVote : [yourVote]
    if (!open) return `Voting has closed. You sent: ${sent.join(', ')}.`
    return `You have sent: ${sent.join(', ')} (${wordsLeft(q, sent)}).`
  },
  /** The words this phone sent, each with a button that takes it back while voting is open. */
  sent (q, yourVote, open) {
    const sent = Array.isArray(yourVote) ? yourVote : []
    if (!open || !sent.length) return null
    return el('ul', { class: 'govuk-list engage-live-sent', 'aria-label': 'Words you have sent' }, sent.map(word =>
      el('li', { class: 'engage-live-sent__item' },
        el('span', { class: 'govuk-body engage-wrap engage-live-sent__word', text: word }),
        el('button', { type: 'button', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-withdraw': word },
          'Remove', visuallyHidden(` “${word}”`)))))
  },
  results (q, tally) {
    if (!tally || !tally.chart.length) return []
    const nodes = [cloud(tally.chart), barChart(tally.chart, q.text, 'results')]
    if (tally.more) nodes.push(el('p', { class: 'govuk-body-s', text: `And ${plural(tally.more, 'other word')} given less often.` }))
    return nodes
  },
  options (q) { return null },
  projector (q, tally) {
    if (!tally || !tally.chart.length) return []
    // The cloud is drawn for the room; its figures are there for screen readers, as a table.
    return [cloud(tally.chart.slice(0, 30)), el('div', { class: 'govuk-visually-hidden' }, figuresTable(tally.chart, q.text))]
  }
})

// The projector shows the first few answers or questions, large.
const PROJECTOR_ENTRIES = 6

// A sentence or two; results as the list of answers, which moderators can hide.
register('open_text', {
  input (q, ctx) { return textField(q, ctx, { label: 'Your answer', multiline: true }) },
  results (q, tally, entries, opts) { return [entryList(q, entries ? entries.entries : [], opts)] },
  projector (q, tally, entries) { return [entryList(q, entries ? entries.entries.slice(0, PROJECTOR_ENTRIES) : [])] }
})

// Q&A: residents ask (nothing to vote on) and up-vote each other's questions.
register('qa', {
  input (q, ctx) { return textField(q, ctx, { label: 'Your question', multiline: true }) },
  results (q, tally, entries, opts) {
    return [entryList(q, entries ? entries.entries : [], { ...opts, empty: 'No questions from the room yet.' })]
  },
  projector (q, tally, entries) {
    return [entryList(q, entries ? entries.entries.slice(0, PROJECTOR_ENTRIES) : [], { empty: 'No questions from the room yet.' })]
  }
})

/** The summary line and the results for a question, on phones and staff screens alike. */
export function resultsFor (question, tally, entries, { shown, note = '', moderation = null, upvote = null, upvoted } = {}) {
  const total = tally ? tally.total : 0
  const [one, many] = question.noun || ['response', 'responses']
  const nodes = [el('p', { class: 'govuk-body-l', 'data-live': 'summary', text: plural(total, one, many) + note })]
  if (!shown) return nodes
  return nodes.concat(rendererOf(question).results(question, tally, entries, { moderation, upvote, upvoted }))
}

/** The first snapshot a page embeds for its script (`<script type="application/json">`). */
export function embedded (id) {
  const node = document.getElementById(id)
  if (!node) return null
  try { return JSON.parse(node.textContent) } catch (e) { return null }
}

/** A client-generated id for a vote, so a retry after a lost acknowledgement counts once. */
export function newId () {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID()
  const bytes = window.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}
