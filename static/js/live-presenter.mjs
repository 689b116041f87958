// The presenter screen (projector) and the moderation screen: the chart, the answers and the
// participant count update as they arrive, and the buttons act over the socket, so the page
// never reloads. Without JavaScript the same buttons post forms (engage/web/live.py).
//
// The projector shows results only once they are shown on phones; the moderation screen is
// for a commissioner's own device and always shows them. See docs/live-protocol.md.
import { io } from '/vendor/socket.io/socket.io.esm.min.js'
import { el, embedded, resultsFor, stateTag } from './live-render.mjs'

const root = document.getElementById('presenter')
const sessionId = Number(root.dataset.sessionId)
const mode = root.dataset.mode
const controls = document.getElementById('controls')
const questionBox = document.getElementById('presenter-question')
const resultsBox = root.querySelector('[data-live=results]')
const statusBox = document.getElementById('presenter-status')
const connection = document.getElementById('live-connection')
const countBox = document.getElementById('participants-count')
const countLabel = document.getElementById('participants-label')
const csrf = controls.querySelector('[name=csrf_token]').value
const moderation = mode === 'moderate' ? { url: root.dataset.moderationUrl, csrf, mode } : null
const ACK_TIMEOUT = 10000

const state = { session: null, question: null, tally: null, entries: null, tallySeq: -1, entriesSeq: -1 }

function announce (message) {
  statusBox.textContent = ''
  window.setTimeout(() => { statusBox.textContent = message }, 50)
}

// The page embeds the snapshot it was rendered from, so results are drawn at once (by the same
// renderers as every later update), before the socket has connected.
const first = embedded('presenter-snapshot')
if (first) {
  state.session = first.session
  setQuestion(first.question)
  setParticipants(first.participants)
  if (first.tally) applyTally(first.tally)
  if (first.entries) applyEntries(first.entries)
  render()
}

const socket = io('/presenter', { reconnectionDelayMax: 5000 })

socket.on('connect', () => {
  connection.textContent = 'Connecting…'
  socket.timeout(ACK_TIMEOUT).emit('watch', { session_id: sessionId }, (err, ack) => {
    if (err) { connection.textContent = 'Could not connect. Retrying…'; return }
    if (!ack.ok) { connection.textContent = ack.error.message; announce(ack.error.message); return }
    connection.textContent = 'Live: results and the participant count update by themselves.'
    state.session = ack.session
    setQuestion(ack.question)
    setParticipants(ack.participants)
    if (ack.tally) applyTally(ack.tally)
    if (ack.entries) applyEntries(ack.entries)
    render()
  })
})
socket.on('connect_error', err => {
  const refused = err && err.data && err.data.code === 'forbidden'
  connection.textContent = refused
    ? 'Your sign-in has expired or does not allow this. Sign in again, then reload this page.'
    : 'Cannot reach Engage. Retrying…'
})
socket.on('disconnect', () => { connection.textContent = 'Connection lost. Reconnecting…' })

socket.on('question', msg => {
  const before = state.question
  state.session = msg.session
  setQuestion(msg.question)
  setParticipants(msg.participants)
  render()
  const q = msg.question
  if (!q) return
  if (!before || before.id !== q.id) announce(`Question ${q.number} of ${q.of} is on the screen: ${q.text}`)
  else if (before.state !== q.state) announce({ open: 'Voting is open.', closed: 'Voting has closed. The result is in the evidence log.', pending: '' }[q.state])
  else if (before.revealed !== q.revealed) announce(q.revealed ? 'Results are shown on phones.' : 'Results are hidden from phones.')
})
socket.on('tally', tally => { if (applyTally(tally)) renderResults() })
socket.on('entries', entries => { if (applyEntries(entries)) renderResults() })
socket.on('participants', msg => setParticipants(msg.count))
socket.on('session_ended', () => {
  controls.hidden = true
  document.getElementById('session-ended').hidden = false
  announce('This live session has ended. Its code no longer joins.')
})

function setQuestion (question) {
  if (!question || !state.question || question.id !== state.question.id) {
    state.tally = null
    state.entries = null
    state.tallySeq = -1
    state.entriesSeq = -1
  }
  state.question = question
}

function applyTally (tally) {
  if (!state.question || tally.question_id !== state.question.id || tally.seq <= state.tallySeq) return false
  state.tally = tally
  state.tallySeq = tally.seq
  return true
}

function applyEntries (entries) {
  if (!state.question || entries.question_id !== state.question.id || entries.seq <= state.entriesSeq) return false
  state.entries = entries
  state.entriesSeq = entries.seq
  return true
}

function setParticipants (count) {
  if (typeof count !== 'number') return
  countBox.textContent = String(count)
  countLabel.textContent = count === 1 ? 'participant' : 'participants'
}

// -- drawing ------------------------------------------------------------------------------------

function render () {
  renderQuestion()
  renderControls()
  renderResults()
}

function renderQuestion () {
  const q = state.question
  if (!q) {
    questionBox.replaceChildren(
      el('h1', { class: 'govuk-heading-xl engage-wrap', 'data-live': 'text', text: state.session ? state.session.title : '' }),
      el('p', { class: 'govuk-body', 'data-live': 'position', text: 'Nothing is on the screen yet. Press “Next question” to show the first one.' }))
    return
  }
  questionBox.replaceChildren(
    el('p', { class: 'govuk-body-l govuk-!-margin-bottom-2', 'data-live': 'position', text: `Question ${q.number} of ${q.of} · ${q.label}` }),
    el('h1', { class: 'govuk-heading-xl engage-wrap engage-live-present__text', 'data-live': 'text', text: q.text }),
    el('p', { class: 'govuk-body' }, stateTag(q.state), ' ',
      el('strong', { class: `govuk-tag ${q.revealed ? 'govuk-tag--purple' : 'govuk-tag--grey'}`, 'data-live': 'revealed', text: q.revealed ? 'Results shown on phones' : 'Results hidden' })))
}

const COUNTERPART = { open: 'close', close: 'open', reveal: 'hide', hide: 'reveal', next: 'previous', previous: 'next' }

function renderControls () {
  const q = state.question
  const focused = controls.contains(document.activeElement) ? document.activeElement.dataset.live : null
  const button = name => controls.querySelector(`[data-live="${name}"]`)
  const count = state.session ? state.session.questions.length : 0
  controls.querySelector('[data-live=question-id]').value = q ? q.id : ''
  button('previous').hidden = !q || q.number === 1
  button('next').hidden = count === 0 || (q && q.number === q.of)
  button('open').hidden = !q || q.state === 'open'
  button('open').textContent = q && q.state === 'closed' ? 'Reopen voting' : 'Open voting'
  button('close').hidden = !q || q.state !== 'open'
  button('reveal').hidden = !q || q.revealed
  button('hide').hidden = !q || !q.revealed
  // A button that has just hidden itself must not leave keyboard focus on nothing.
  if (focused && button(focused) && button(focused).hidden) {
    const other = button(COUNTERPART[focused])
    if (other && !other.hidden) other.focus()
  }
}

function renderResults () {
  const q = state.question
  if (!q) { resultsBox.replaceChildren(); return }
  const shown = mode === 'moderate' || q.revealed
  let note = ''
  if (!shown) note = '. Results are hidden from the room.'
  else if (mode === 'moderate' && !q.revealed) note = '. Only staff screens show these until you show the results.'
  const entries = state.entries && mode !== 'moderate'
    ? { ...state.entries, entries: state.entries.entries.filter(e => !e.hidden) }
    : state.entries
  const focused = resultsBox.contains(document.activeElement) ? focusKey(document.activeElement) : null
  resultsBox.replaceChildren(...resultsFor(q, state.tally, entries, { shown, note, moderation }))
  if (focused) {
    const again = resultsBox.querySelector(focused)
    if (again) again.focus()
  }
}

function focusKey (element) {
  const form = element.closest('form')
  if (!form || !element.name) return null
  const entry = form.querySelector('[name=entry_id]').value
  return `form:has([name=entry_id][value="${entry}"]) button[name=action]`
}

// -- acting ---------------------------------------------------------------------------------------

function showProblem (message) {
  announce(`There is a problem: ${message}`)
  let box = document.getElementById('control-error')
  if (!box) {
    box = el('p', { class: 'govuk-error-message', id: 'control-error' })
    controls.prepend(box)
  }
  box.textContent = message
}

function clearProblem () {
  const box = document.getElementById('control-error')
  if (box) box.remove()
}

controls.addEventListener('submit', event => {
  event.preventDefault()
  const action = event.submitter ? event.submitter.value : null
  if (!action) return
  clearProblem()
  const questionId = state.question ? state.question.id : null
  socket.timeout(ACK_TIMEOUT).emit('control', { session_id: sessionId, action, question_id: questionId }, (err, ack) => {
    if (err) { showProblem('Engage did not answer in time. Check the connection, then try again.'); return }
    if (!ack.ok) showProblem(ack.error.message)
  })
})

resultsBox.addEventListener('submit', event => {
  const form = event.target.closest('[data-live=moderate]')
  if (!form) return
  event.preventDefault()
  const action = event.submitter ? event.submitter.value : null
  const payload = {
    session_id: sessionId,
    question_id: Number(form.querySelector('[name=question_id]').value),
    entry_id: Number(form.querySelector('[name=entry_id]').value),
    action
  }
  socket.timeout(ACK_TIMEOUT).emit('moderate', payload, (err, ack) => {
    if (err) { showProblem('Engage did not answer in time. Try again.'); return }
    if (!ack.ok) { showProblem(ack.error.message); return }
    announce({ hide: 'Hidden from the room.', show: 'Shown to the room.', answered: 'Marked answered.', unanswered: 'Marked not answered.' }[action])
  })
})
