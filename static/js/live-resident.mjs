// A resident's phone in a live poll: join with the code, follow the presenter from question to
// question, vote, ask and up-vote. Nothing moves on a timer: the page changes only when the
// presenter changes the question, and every change is announced in the status region.
//
// The participant token from the join acknowledgement is kept in localStorage (per code), so
// a reload or a reconnect is the same participant with the same vote. See docs/live-protocol.md.
import { io } from '/vendor/socket.io/socket.io.esm.min.js'
import { el, heading, newId, rendererOf, resultsFor, visuallyHidden } from './live-render.mjs'

const app = document.getElementById('live-app')
const code = app.dataset.code
const questionBox = document.getElementById('live-question')
const resultsBox = document.getElementById('live-results')
const statusBox = document.getElementById('live-status')
const connection = document.getElementById('live-connection')
const tokenKey = `engage.live.${code}`
const mineKey = `engage.live.${code}.asked`
const ACK_TIMEOUT = 8000
const RETRIES = 3

const state = {
  joined: false,
  question: null,
  yourVote: null,
  upvoted: new Set(),
  tally: null,
  entries: null,
  tallySeq: -1,
  entriesSeq: -1,
  pending: [] // events waiting for the socket to be joined again
}

function storage (key, value) {
  try {
    if (value === undefined) return window.localStorage.getItem(key)
    window.localStorage.setItem(key, value)
  } catch (e) { /* private mode: the phone is a new participant after a reload */ }
  return null
}

let lastAnnouncement = ''
function announce (message) {
  // Clearing first makes a screen reader announce a message even when it repeats.
  statusBox.textContent = ''
  lastAnnouncement = message
  window.setTimeout(() => { statusBox.textContent = lastAnnouncement }, 50)
}

const socket = io('/live', { reconnectionDelayMax: 5000 })

socket.on('connect', join)
socket.on('disconnect', () => {
  state.joined = false
  connection.textContent = 'Connection lost. Reconnecting… Your vote is kept.'
  announce('Connection lost. Reconnecting.')
})

function join () {
  connection.textContent = 'Connecting…'
  const payload = { code }
  const token = storage(tokenKey)
  if (token) payload.participant = token
  socket.timeout(ACK_TIMEOUT).emit('join', payload, (err, ack) => {
    if (err) { connection.textContent = 'Could not join. Retrying…'; window.setTimeout(join, 2000); return }
    if (!ack.ok && ack.error.code === 'session_ended') { renderEnded(); return }
    if (!ack.ok) { showJoinError(ack.error); return }
    storage(tokenKey, ack.participant)
    state.joined = true
    connection.textContent = `Connected to “${ack.session.title}”.`
    const sameQuestion = Boolean(state.question && ack.question && state.question.id === ack.question.id)
    state.yourVote = ack.your_vote
    state.upvoted = new Set(ack.your_upvotes || [])
    setQuestion(ack.question, { announceChange: !sameQuestion })
    if (sameQuestion && hasVoted()) {
      restore(null)
      updateFormState()
    }
    if (ack.tally) applyTally(ack.tally)
    if (ack.entries) applyEntries(ack.entries)
    const queued = state.pending.splice(0)
    queued.forEach(send => send())
  })
}

function showJoinError (error) {
  connection.textContent = error.message
  announce(error.message)
}

// -- the finished screen: the session has ended (or was removed) ------------------------------

socket.on('session_ended', renderEnded)

function renderEnded () {
  state.joined = false
  state.question = null
  socket.disconnect() // nothing more will happen in this session: stop reconnecting to it
  connection.textContent = 'The session has ended.'
  resultsBox.hidden = true
  resultsBox.replaceChildren()
  const hadFocus = questionBox.contains(document.activeElement)
  questionBox.replaceChildren(
    heading('This live session has ended', false),
    el('p', { class: 'govuk-body', text: 'Thank you for taking part. Voting has closed, and nothing more will appear here.' }),
    el('p', { class: 'govuk-body' }, el('a', { class: 'govuk-link', href: app.dataset.ideas }, 'What happened to our ideas?')))
  if (hadFocus) document.getElementById('live-heading').focus()
  announce('This live session has ended. Thank you for taking part.')
}

// -- the question -----------------------------------------------------------------------------

socket.on('question', msg => {
  const before = state.question
  const changed = !before || !msg.question || before.id !== msg.question.id
  if (changed) state.yourVote = null
  setQuestion(msg.question, { announceChange: true, previous: before })
  // Back on a question that has been open before: joining again returns this phone's answer.
  if (changed && msg.question && msg.question.state !== 'pending') join()
})

function setQuestion (question, { announceChange = false, previous = state.question } = {}) {
  const changed = !previous || !question || previous.id !== question.id
  if (changed) {
    state.tally = null
    state.entries = null
    state.tallySeq = -1
    state.entriesSeq = -1
  }
  state.question = question
  const hadFocus = questionBox.contains(document.activeElement) || resultsBox.contains(document.activeElement)
  // A question not yet opened can be changed (or renumbered when another is removed): draw it again.
  const redrawn = !changed && previous && drawnAs(previous) !== drawnAs(question)
  if (changed || !previous || previous.state !== question.state || redrawn) {
    renderQuestion(changed ? null : formValue())
  } else {
    updateFormState()
  }
  renderResults()
  if (changed && hadFocus) document.getElementById('live-heading').focus()
  if (!announceChange) return
  if (!question) { announce('Waiting for the presenter to show a question.'); return }
  if (changed) {
    announce(`Question ${question.number} of ${question.of}: ${question.text}. ${stateSentence(question)}`)
  } else if (previous.state !== question.state) {
    announce(stateSentence(question))
  } else if (previous.revealed !== question.revealed) {
    announce(question.revealed ? 'The results are now shown.' : 'The results are hidden again.')
  }
}

function drawnAs (q) {
  const { state: _state, revealed: _revealed, ...rest } = q
  return JSON.stringify(rest)
}

function stateSentence (q) {
  if (q.asks) return { pending: 'Questions are not open yet.', open: 'You can ask a question now.', closed: 'Questions have closed.' }[q.state]
  return { pending: 'Voting has not opened yet.', open: 'Voting is open.', closed: 'Voting has closed.' }[q.state]
}

function renderQuestion (keep) {
  questionBox.replaceChildren()
  const q = state.question
  if (!q) {
    questionBox.append(
      heading(app.dataset.title || 'Waiting for the presenter', false),
      el('p', { class: 'govuk-body', text: 'Waiting for the presenter to show a question. It appears here by itself: you do not need to reload.' }))
    return
  }
  questionBox.append(el('p', { class: 'govuk-body-s govuk-!-margin-bottom-2', text: `Question ${q.number} of ${q.of} · ${q.label}` }))
  const form = el('form', { novalidate: true, class: 'engage-live__form' })
  form.addEventListener('submit', event => { event.preventDefault(); submit(form) })
  const group = el('div', { class: 'govuk-form-group', id: 'answer-group' })
  form.append(group)
  group.append(...rendererOf(q).input(q, { hintId: 'answer-hint', yourVote: state.yourVote, announce }))
  form.append(el('button', { type: 'submit', class: 'govuk-button', 'data-module': 'govuk-button', id: 'send' }, 'Send'))
  form.append(el('p', { class: 'govuk-body', id: 'vote-state' }))
  questionBox.append(form, el('div', { id: 'sent-answers' }))
  // Once a question has closed: where residents' words went ("You said, we did").
  questionBox.append(el('p', { class: 'govuk-body', id: 'live-ideas', hidden: true },
    el('a', { class: 'govuk-link', href: app.dataset.ideas }, 'What happened to our ideas?')))
  restore(keep)
  updateFormState()
}

function formValue () {
  const q = state.question
  if (!q) return null
  return rendererOf(q).value(q, questionBox)
}

function restore (keep) {
  const q = state.question
  // What was typed is kept across a change of state; otherwise the vote this phone sent (where
  // residents ask rather than vote, there is none to show again).
  const value = keep !== null && keep !== undefined ? keep : (q.asks || q.adds_answers ? null : state.yourVote)
  if (value === null || value === undefined) return
  rendererOf(q).restore(q, questionBox, value)
}

function describeVote (value) {
  return Array.isArray(value) ? value.join(', ') : String(value)
}

function hasVoted () {
  const vote = state.yourVote
  return vote !== null && vote !== undefined && !(Array.isArray(vote) && vote.length === 0)
}

/** Whether this phone has sent all the answers the question takes (types that add answers). */
function full (q) {
  return Boolean(q.adds_answers) && Array.isArray(state.yourVote) && state.yourVote.length >= (q.max_answers || 1)
}

function updateFormState () {
  const q = state.question
  const form = questionBox.querySelector('form')
  if (!q || !form) return
  const open = q.state === 'open'
  form.querySelectorAll('input, textarea, button').forEach(control => {
    if (control.dataset.move === undefined) control.disabled = !open || full(q)
  })
  rendererOf(q).setOpen(q, questionBox, open)
  document.getElementById('live-ideas').hidden = q.state !== 'closed'
  const send = document.getElementById('send')
  send.hidden = !open || full(q)
  send.textContent = q.asks ? 'Send question' : (hasVoted() && !q.adds_answers ? 'Change my answer' : 'Send')
  const line = document.getElementById('vote-state')
  if (q.asks) {
    line.textContent = open ? '' : stateSentence(q)
  } else if (hasVoted()) {
    line.textContent = rendererOf(q).yours(q, state.yourVote, open)
  } else {
    line.textContent = stateSentence(q)
  }
  const sent = document.getElementById('sent-answers')
  const list = hasVoted() ? rendererOf(q).sent(q, state.yourVote, open) : null
  const focused = sent.contains(document.activeElement)
  sent.replaceChildren(...(list ? [list] : []))
  if (focused) focusAnswer()
}

function focusAnswer () {
  const field = document.getElementById('answer')
  if (field && !field.disabled) field.focus()
  else document.getElementById('live-heading').focus()
}

function showError (error) {
  const group = document.getElementById('answer-group')
  const slot = document.getElementById('answer-error-slot')
  if (!group || !slot) { announce(error.message); return }
  group.classList.add('govuk-form-group--error')
  slot.replaceChildren(el('p', { class: 'govuk-error-message', id: 'answer-error' }, visuallyHidden('Error: '), error.message))
  const field = document.getElementById('answer')
  if (field) {
    field.classList.add(field.tagName === 'TEXTAREA' ? 'govuk-textarea--error' : 'govuk-input--error')
    field.setAttribute('aria-describedby', 'answer-hint answer-error')
  }
  announce(`There is a problem: ${error.message}`)
}

function clearError () {
  const group = document.getElementById('answer-group')
  if (group) group.classList.remove('govuk-form-group--error')
  const slot = document.getElementById('answer-error-slot')
  if (slot) slot.replaceChildren()
  const field = document.getElementById('answer')
  if (field) {
    field.classList.remove('govuk-input--error', 'govuk-textarea--error')
    field.setAttribute('aria-describedby', 'answer-hint')
  }
}

// -- sending, with retries that count once ------------------------------------------------------

/** Emit an event with an acknowledgement; resend after a lost one, after rejoining if need be. */
function send (eventName, payload, onAck, attempt = 0) {
  const go = () => socket.timeout(ACK_TIMEOUT).emit(eventName, payload, (err, ack) => {
    if (!err) {
      if (!ack.ok && ack.error.code === 'not_joined' && attempt < RETRIES) {
        state.pending.push(() => send(eventName, payload, onAck, attempt + 1))
        join()
        return
      }
      onAck(ack)
      return
    }
    if (attempt < RETRIES) { send(eventName, payload, onAck, attempt + 1); return }
    onAck({ ok: false, error: { code: 'timeout', message: 'Your answer could not be sent. Check your connection, then try again.' } })
  })
  if (state.joined && socket.connected) go()
  else state.pending.push(go)
}

function submit (form) {
  const q = state.question
  if (!q || q.state !== 'open') return
  clearError()
  const value = formValue()
  const button = document.getElementById('send')
  button.disabled = true
  if (q.asks) {
    send('ask', { text: value || '' }, ack => {
      button.disabled = false
      if (!ack.ok) { showError(ack.error); return }
      document.getElementById('answer').value = ''
      const mine = JSON.parse(storage(mineKey) || '[]')
      mine.push(ack.entry_id)
      storage(mineKey, JSON.stringify(mine.slice(-50)))
      announce(q.revealed ? 'Your question was sent.' : 'Your question was sent. Everyone\'s questions appear here when the presenter shows them.')
    })
    return
  }
  const payload = { question_id: q.id, value: value === null ? '' : value, client_vote_id: newId() }
  send('vote', payload, ack => {
    button.disabled = false
    if (!ack.ok) { showError(ack.error); return }
    const sent = typeof value === 'string' ? value.trim() : value
    state.yourVote = ack.your_vote !== undefined ? ack.your_vote : sent
    if (q.adds_answers) {
      // The answer was added to this phone's: empty the field for the next one.
      const field = document.getElementById('answer')
      if (field) field.value = ''
      updateFormState()
      announce(`Your answer was counted: ${describeVote(sent)}. ${rendererOf(q).yours(q, state.yourVote, true)}`)
      if (full(q)) focusAnswer()
      return
    }
    updateFormState()
    announce(`Your answer was counted: ${describeVote(state.yourVote)}.`)
  })
}

// Taking back one of this phone's answers (a word cloud's words), while voting is open.
questionBox.addEventListener('click', event => {
  const button = event.target.closest('[data-withdraw]')
  const q = state.question
  if (!button || button.disabled || !q) return
  const word = button.dataset.withdraw
  button.disabled = true
  clearError()
  send('withdraw', { question_id: q.id, value: word, client_vote_id: newId() }, ack => {
    if (!ack.ok) { button.disabled = false; showError(ack.error); return }
    state.yourVote = ack.your_vote
    updateFormState()
    focusAnswer()
    announce(`Removed “${word}”. ` + (hasVoted() ? rendererOf(q).yours(q, state.yourVote, true) : 'You have sent nothing yet.'))
  })
})

// -- results ------------------------------------------------------------------------------------

socket.on('tally', applyTally)
socket.on('entries', applyEntries)

function applyTally (tally) {
  if (!state.question || tally.question_id !== state.question.id || tally.seq <= state.tallySeq) return
  state.tally = tally
  state.tallySeq = tally.seq
  renderResults()
}

function applyEntries (entries) {
  if (!state.question || entries.question_id !== state.question.id || entries.seq <= state.entriesSeq) return
  state.entries = entries
  state.entriesSeq = entries.seq
  renderResults()
}

function renderResults () {
  const q = state.question
  if (!q || !q.revealed || !state.tally) {
    resultsBox.hidden = true
    resultsBox.replaceChildren()
    return
  }
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.upvote : undefined
  resultsBox.hidden = false
  const title = q.asks ? 'Questions from the room' : (q.state === 'closed' ? 'Results' : 'Results so far')
  resultsBox.replaceChildren(el('h2', { class: 'govuk-heading-m', text: title }),
    ...resultsFor(q, state.tally, state.entries, { shown: true, upvote: q.asks, upvoted: state.upvoted }))
  if (focused) {
    const again = resultsBox.querySelector(`[data-upvote="${focused}"]`)
    if (again) again.focus()
  }
}

resultsBox.addEventListener('click', event => {
  const button = event.target.closest('[data-upvote]')
  if (!button || button.disabled) return
  const entryId = Number(button.dataset.upvote)
  button.disabled = true
  send('upvote', { entry_id: entryId }, ack => {
    if (!ack.ok) { button.disabled = false; announce(ack.error.message); return }
    state.upvoted.add(entryId)
    renderResults()
    announce('Your up-vote was counted.')
  })
})

// The template's heading is the session title: keep it for the waiting screen.
app.dataset.title = document.getElementById('live-heading').textContent
connection.textContent = 'Connecting…'
