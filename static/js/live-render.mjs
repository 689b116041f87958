// Drawing live poll results with the DOM: the same markup as templates/live/macros.html and
// templates/surveys/chart.html, so a page looks the same before and after live updates.
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

export function typeLabel (q) {
  if (q.type === 'multiple_choice') return q.multiple ? 'Multiple choice, choose any' : 'Multiple choice, choose one'
  if (q.type === 'rating') return `Rating from ${q.min} to ${q.max}`
  return { ranking: 'Ranking', word_cloud: 'Word cloud', open_text: 'Open text', qa: 'Q&A' }[q.type] || q.type
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
  const body = el('tbody', { class: 'govuk-table__body' }, rows.map(row => el('tr', { class: 'govuk-table__row' },
    el('th', { scope: 'row', class: 'govuk-table__header engage-wrap', text: row.label }),
    el('td', { class: 'govuk-table__cell govuk-table__cell--numeric', text: String(row.count) }),
    el('td', { class: 'govuk-table__cell govuk-table__cell--numeric', text: `${row.percent.toFixed(1)}%` }))))
  const table = el('table', { class: 'govuk-table engage-chart__table' },
    el('caption', { class: 'govuk-table__caption govuk-table__caption--s', text: `Figures for “${caption}”` }),
    el('thead', { class: 'govuk-table__head' }, el('tr', { class: 'govuk-table__row' },
      el('th', { scope: 'col', class: 'govuk-table__header', text: 'Answer' }),
      el('th', { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric', text: 'Count' }),
      el('th', { scope: 'col', class: 'govuk-table__header govuk-table__header--numeric', text: 'Per cent' }))),
    body)
  return el('figure', { class: 'engage-chart', 'aria-labelledby': `${id}-caption` },
    chart,
    el('figcaption', { id: `${id}-caption`, class: 'govuk-visually-hidden', text: caption }),
    el('div', { class: 'engage-table-scroll' }, table))
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
 * Open-text answers or Q&A entries. `moderation` (staff screens) adds hide/show and answered
 * buttons in forms that also work without JavaScript; `upvote` (phones) adds up-vote buttons.
 */
export function entryList (question, entries, { moderation = null, upvote = null, upvoted = new Set() } = {}) {
  if (!entries.length) {
    return el('p', { class: 'govuk-body', 'data-live': 'entries-empty', text: question.type === 'qa' ? 'No questions from the room yet.' : 'No answers yet.' })
  }
  return el('ol', { class: 'govuk-list engage-live-entries', 'data-live': 'entries' }, entries.map(entry => {
    const classes = 'engage-live-entries__item' + (entry.hidden ? ' engage-live-entries__item--hidden' : '')
    const meta = el('p', { class: 'govuk-body-s engage-live-entries__meta' })
    if (question.type === 'qa') meta.append(plural(entry.upvotes, 'up-vote'))
    if (entry.answered) meta.append(' ', el('strong', { class: 'govuk-tag govuk-tag--green', text: 'Answered' }))
    if (entry.hidden) meta.append(' ', el('strong', { class: 'govuk-tag govuk-tag--grey', text: 'Hidden from the room' }))
    const item = el('li', { class: classes }, el('p', { class: 'govuk-body engage-wrap engage-live-entries__text', text: entry.text }), meta)
    const short = `“${truncate(entry.text, 40)}”`
    if (moderation) {
      const form = el('form', { method: 'post', action: moderation.url, class: 'engage-live-entries__actions', 'data-live': 'moderate' },
        el('input', { type: 'hidden', name: 'csrf_token', value: moderation.csrf }),
        el('input', { type: 'hidden', name: 'mode', value: moderation.mode }),
        el('input', { type: 'hidden', name: 'question_id', value: question.id }),
        el('input', { type: 'hidden', name: 'entry_id', value: entry.id }),
        el('button', { type: 'submit', name: 'action', value: entry.hidden ? 'show' : 'hide', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-module': 'govuk-button' },
          entry.hidden ? 'Show' : 'Hide', visuallyHidden(` ${short}`)))
      if (question.type === 'qa') {
        form.append(el('button', { type: 'submit', name: 'action', value: entry.answered ? 'unanswered' : 'answered', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-module': 'govuk-button' },
          entry.answered ? 'Mark not answered' : 'Mark answered', visuallyHidden(` ${short}`)))
      }
      item.append(form)
    }
    if (upvote && question.type === 'qa') {
      const done = upvoted.has(entry.id)
      item.append(el('button', {
        type: 'button', class: 'govuk-button govuk-button--secondary engage-live-small-button', 'data-upvote': entry.id,
        'aria-pressed': done ? 'true' : 'false', disabled: done || question.state !== 'open'
      }, done ? 'Up-voted' : 'Up-vote', visuallyHidden(` ${short}`)))
    }
    return item
  }))
}

/** The summary line and the results for a question, as on the presenter screens. */
export function resultsFor (question, tally, entries, { shown, note = '', moderation = null, upvote = null, upvoted } = {}) {
  const nodes = []
  const total = tally ? tally.total : 0
  const what = question.type === 'qa' ? plural(total, 'question') : plural(total, 'response')
  nodes.push(el('p', { class: 'govuk-body-l', 'data-live': 'summary', text: what + note }))
  if (!shown) return nodes
  if (question.type === 'open_text' || question.type === 'qa') {
    nodes.push(entryList(question, entries ? entries.entries : [], { moderation, upvote, upvoted }))
  } else if (tally && tally.chart.length) {
    if (question.type === 'word_cloud') nodes.push(cloud(tally.chart))
    nodes.push(barChart(tally.chart, question.text, 'results'))
    if (tally.more) nodes.push(el('p', { class: 'govuk-body-s', text: `And ${plural(tally.more, 'other word')} given less often.` }))
  }
  return nodes
}

/** A client-generated id for a vote, so a retry after a lost acknowledgement counts once. */
export function newId () {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID()
  const bytes = window.crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, b => b.toString(16).padStart(2, '0')).join('')
}
