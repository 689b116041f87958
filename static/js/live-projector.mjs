// The projector view: full screen for the room. It joins the session as the room does
// (`project` on /presenter), so it receives what phones receive: the question with its
// options while voting, and results only once the presenter shows them. It is never sent
// interim results, which is why opening it is not recorded as a viewing.
//
// It is run from the moderation screen, or from this screen's keyboard: N next question,
// P previous, O open voting, C close voting, R show or hide results. Single keys without
// modifiers, ignored while typing in a field or while a dialog is open, and they can be
// turned off (WCAG 2.1.4), so they never take keys a screen reader user needs.
// See docs/live-protocol.md.
import { io } from '/vendor/socket.io/socket.io.esm.min.js'
import { el, embedded, plural, rendererOf } from './live-render.mjs'

const root = document.getElementById('projector')
const sessionId = Number(root.dataset.sessionId)
const position = document.getElementById('projector-position')
const heading = document.getElementById('projector-heading')
const stateLine = document.getElementById('projector-state')
const body = document.getElementById('projector-body')
const join = document.getElementById('projector-join')
const count = document.getElementById('projector-count')
const countLabel = document.getElementById('projector-count-label')
const statusBox = document.getElementById('projector-status')
const toggle = document.getElementById('projector-keys-toggle')
const fullscreen = document.getElementById('projector-fullscreen')
const KEYS_STORAGE = 'engage.projector.keys'
const ACK_TIMEOUT = 10000

const state = { title: root.dataset.title, ended: false, question: null, tally: null, entries: null, tallySeq: -1, entriesSeq: -1 }

function announce (message) {
  statusBox.textContent = ''
  window.setTimeout(() => { statusBox.textContent = message }, 50)
}

// -- state ----------------------------------------------------------------------------------------

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

function setParticipants (n) {
  if (typeof n !== 'number') return
  count.textContent = String(n)
  countLabel.textContent = n === 1 ? 'participant' : 'participants'
}

function apply (snapshot) {
  state.ended = Boolean(snapshot.session && snapshot.session.ended)
  setQuestion(snapshot.question)
  setParticipants(snapshot.participants)
  if (snapshot.tally) applyTally(snapshot.tally)
  if (snapshot.entries) applyEntries(snapshot.entries)
  render()
}

// -- drawing ----------------------------------------------------------------------------------------

const STATE_LINES = {
  pending: 'Voting opens soon',
  open: 'Voting is open: answer on your phone',
  closed: 'Voting has closed'
}

function render () {
  const q = state.question
  join.hidden = state.ended
  if (state.ended) {
    position.textContent = state.title
    heading.textContent = 'This live session has ended'
    heading.className = 'engage-projector__text engage-wrap'
    stateLine.textContent = 'Thank you for taking part.'
    body.replaceChildren()
    return
  }
  if (!q) {
    position.textContent = state.title
    heading.textContent = 'Waiting for the first question'
    heading.className = 'engage-projector__text engage-wrap'
    stateLine.textContent = 'Join now: the first question appears here soon.'
    body.replaceChildren()
    return
  }
  position.textContent = `Question ${q.number} of ${q.of} · ${q.label}`
  heading.textContent = q.text
  // Long questions get smaller type, so the options still fit the screen.
  const size = q.text.length > 160 ? ' engage-projector__text--long' : (q.text.length > 80 ? ' engage-projector__text--medium' : '')
  heading.className = 'engage-projector__text engage-wrap' + size
  stateLine.textContent = STATE_LINES[q.state] || ''
  renderBody()
}

function renderBody () {
  const q = state.question
  if (!q || state.ended) return
  const renderer = rendererOf(q)
  if (q.revealed && state.tally) {
    const [one, many] = q.noun || ['response', 'responses']
    const nodes = renderer.projector(q, state.tally, state.entries)
    body.replaceChildren(
      el('p', { class: 'engage-projector__summary', text: `Results: ${plural(state.tally.total, one, many)}` }),
      ...nodes)
    return
  }
  const options = renderer.options(q)
  if (options && options.length) {
    const list = el('ul', { class: 'engage-projector-options' + (options.length > 6 ? ' engage-projector-options--many' : '') },
      options.map(option => el('li', { class: 'engage-projector-options__item engage-wrap', text: option })))
    body.replaceChildren(list)
  } else {
    body.replaceChildren(el('p', { class: 'engage-projector__hint engage-wrap', text: q.hint || '' }))
  }
}

const first = embedded('projector-snapshot')
if (first) apply(first)

// -- the socket --------------------------------------------------------------------------------------

const socket = io('/presenter', { reconnectionDelayMax: 5000 })

socket.on('connect', () => {
  socket.timeout(ACK_TIMEOUT).emit('project', { session_id: sessionId }, (err, ack) => {
    if (err) { announce('Could not connect. Retrying…'); return }
    if (!ack.ok) { announce(ack.error.message); return }
    apply(ack)
  })
})
socket.on('connect_error', err => {
  const refused = err && err.data && err.data.code === 'forbidden'
  announce(refused ? 'Your sign-in has expired. Sign in again, then reload this page.' : 'Cannot reach Engage. Retrying…')
})
socket.on('disconnect', () => announce('Connection lost. Reconnecting…'))

socket.on('question', msg => {
  const before = state.question
  setQuestion(msg.question)
  render()
  const q = msg.question
  if (!q) return
  if (!before || before.id !== q.id) announce(`Question ${q.number} of ${q.of}.`)
  else if (before.state !== q.state) announce({ open: 'Voting is open.', closed: 'Voting has closed.', pending: '' }[q.state])
  else if (before.revealed !== q.revealed) announce(q.revealed ? 'Results are shown.' : 'Results are hidden.')
})
socket.on('tally', tally => { if (applyTally(tally)) renderBody() })
socket.on('entries', entries => { if (applyEntries(entries)) renderBody() })
socket.on('participants', msg => setParticipants(msg.count))
socket.on('session_ended', () => {
  state.ended = true
  render()
  announce('This live session has ended.')
})

// -- keyboard shortcuts --------------------------------------------------------------------------------

const SHORTCUTS = { n: 'next', p: 'previous', o: 'open', c: 'close' }
let keysOn = true
try { keysOn = window.localStorage.getItem(KEYS_STORAGE) !== 'off' } catch (e) { /* storage refused: on */ }

function showToggle () {
  toggle.hidden = false
  toggle.setAttribute('aria-pressed', keysOn ? 'true' : 'false')
  toggle.textContent = keysOn ? 'Keyboard shortcuts on' : 'Keyboard shortcuts off'
}

toggle.addEventListener('click', () => {
  keysOn = !keysOn
  try { window.localStorage.setItem(KEYS_STORAGE, keysOn ? 'on' : 'off') } catch (e) { /* storage refused */ }
  showToggle()
  announce(keysOn ? 'Keyboard shortcuts are on.' : 'Keyboard shortcuts are off.')
})
showToggle()

function control (action) {
  const q = state.question
  socket.timeout(ACK_TIMEOUT).emit('control', { session_id: sessionId, action, question_id: q ? q.id : null }, (err, ack) => {
    if (err) { announce('Engage did not answer in time. Check the connection, then try again.'); return }
    if (!ack.ok) announce(`There is a problem: ${ack.error.message}`)
  })
}

function typing (target) {
  return target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
}

document.addEventListener('keydown', event => {
  if (!keysOn || event.ctrlKey || event.altKey || event.metaKey || event.repeat) return
  if (typing(event.target) || document.querySelector('dialog[open]')) return
  const key = event.key.toLowerCase()
  if (key === 'r') {
    const q = state.question
    if (!q) return
    event.preventDefault()
    control(q.revealed ? 'hide' : 'reveal')
  } else if (SHORTCUTS[key]) {
    const q = state.question
    const action = SHORTCUTS[key] === 'open' && q && q.state === 'open' ? null : SHORTCUTS[key]
    if (!action) return
    event.preventDefault()
    control(action)
  }
})

// -- full screen --------------------------------------------------------------------------------------

if (document.fullscreenEnabled) {
  fullscreen.hidden = false
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen()
    else document.documentElement.requestFullscreen().catch(() => announce('This browser did not allow full screen.'))
  })
  document.addEventListener('fullscreenchange', () => {
    fullscreen.textContent = document.fullscreenElement ? 'Leave full screen' : 'Full screen'
  })
}
